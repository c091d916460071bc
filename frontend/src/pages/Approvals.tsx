// /goedkeuren: the seats waiting for the reader's decision (their people; without a manager, an
// organiser's organisation; everyone for admins), soonest deadline first. Approve in one click;
// decline asks for an optional reason first. A status line says what happened, and the
// keyboard lands on the list's heading when an item leaves it.
import { Button, FormField, FormLabel, Heading1, Paragraph, Textarea } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { usePageTitle } from "../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../components/States";
import { dateTime, longDate, timeRange } from "../format";

type Approval = components["schemas"]["ApprovalDto"];

// The Klussenbank's consents load with their own code, only on this page.
const KlusConsents = lazy(() => import("./klussen/Consents"));

export function Approvals() {
  const { t } = useTranslation("approval");
  usePageTitle(t("list.title"));
  const qc = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [said, setSaid] = useState("");
  const list = useQuery({
    queryKey: ["approvals"],
    queryFn: () => unwrap(api.GET("/api/v1/me/approvals", { params: { query: {} } })),
  });
  const done = async (message: string) => {
    setSaid(message);
    await Promise.all([
      qc.invalidateQueries({ queryKey: ["approvals"] }),
      qc.invalidateQueries({ queryKey: ["programme"] }),
    ]);
    heading.current?.focus();
  };

  return (
    <>
      <Heading1 ref={heading} tabIndex={-1}>{t("list.title")}</Heading1>
      <Paragraph lead>{t("list.intro")}</Paragraph>
      <div aria-live="polite">{said && <Success>{said}</Success>}</div>
      <ProblemAlert error={list.error} />
      {list.isPending && <Loading />}
      {list.data && list.data.length === 0 && <Empty>{t("list.empty")}</Empty>}
      {list.data && list.data.length > 0 && (
        <>
          <Paragraph>{t("list.count", { count: list.data.length })}</Paragraph>
          <ul className="lw-approvals">
            {list.data.map((a) => (
              <Item key={a.enrolment_id} a={a} onDone={(m) => void done(m)} />
            ))}
          </ul>
        </>
      )}
      <Suspense fallback={<Loading />}>
        <KlusConsents />
      </Suspense>
    </>
  );
}

function Item({ a, onDone }: { a: Approval; onDone: (message: string) => void }) {
  const { t } = useTranslation("approval");
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const reasonField = useRef<HTMLTextAreaElement>(null);
  // The reason's field takes the keyboard when it appears.
  useEffect(() => {
    if (declining) reasonField.current?.focus();
  }, [declining]);
  const names = { name: a.person_name, title: a.title };
  const approve = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/enrolments/{id}/approve", { params: { path: { id: a.enrolment_id } } })),
    onSuccess: () => onDone(t("list.approved", names)),
  });
  const decline = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/enrolments/{id}/decline", {
          params: { path: { id: a.enrolment_id } },
          body: { reason: reason.trim() || null },
        }),
      ),
    onSuccess: () => onDone(t("list.declined", names)),
  });
  const id = a.enrolment_id;
  return (
    <li className="lw-approval lw-card" aria-labelledby={`ap-${id}`}>
      <h2 className="utrecht-heading-3" id={`ap-${id}`}>
        {a.person_name}: <Link to={`/sessies/${a.session_id}`}>{a.title}</Link>
      </h2>
      <dl className="lw-approval__facts">
        <div><dt>{t("list.unit")}</dt><dd>{a.unit_name ?? t("list.noUnit")}</dd></div>
        <div><dt>{t("list.session")}</dt><dd>{longDate(a.starts_at)}, {timeRange(a.starts_at, a.ends_at)}</dd></div>
        {a.due_at && <div><dt>{t("list.due")}</dt><dd>{dateTime(a.due_at)}</dd></div>}
      </dl>
      <ProblemAlert error={approve.error ?? decline.error} />
      {!declining ? (
        <p className="lw-buttons">
          <Button appearance="primary-action-button" aria-label={t("list.approveLabel", names)} onClick={() => approve.mutate()} busy={approve.isPending} disabled={approve.isPending}>
            {t("list.approve")}
          </Button>{" "}
          <Button appearance="secondary-action-button" aria-label={t("list.declineLabel", names)} onClick={() => setDeclining(true)}>
            {t("list.decline")}
          </Button>
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            decline.mutate();
          }}
        >
          <FormField>
            <FormLabel htmlFor={`reason-${id}`}>{t("list.reason", { name: a.person_name })}</FormLabel>
            <Textarea id={`reason-${id}`} maxLength={500} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} ref={reasonField} />
          </FormField>
          <p className="lw-buttons">
            <Button type="submit" appearance="primary-action-button" busy={decline.isPending} disabled={decline.isPending}>
              {t("list.declineConfirm")}
            </Button>{" "}
            <Button appearance="subtle-button" onClick={() => setDeclining(false)}>{t("list.keep")}</Button>
          </p>
        </form>
      )}
    </li>
  );
}
