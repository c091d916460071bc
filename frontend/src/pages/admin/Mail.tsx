// /beheer/mail: the outbox by state with counts, search and paging; retry one or every failed
// mail (after a confirmation with the count); a test mail to oneself.
import { Button, Heading1, Paragraph } from "@utrecht/component-library-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { useMe } from "../../hooks/session";
import { BackLink, Confirm } from "../organiser/shared";
import { pageInfo } from "../reports/model";
import { Pager } from "../reports/parts";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "../reports/table";
import { SearchForm, useMoment } from "./shared";

const PER_PAGE = 25;
const STATES = ["all", "pending", "failed", "sent"] as const;
type State = (typeof STATES)[number];
type Mail = Schemas["OutboxDto"];

export default function MailPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("mail.title"));
  const me = useMe();
  const qc = useQueryClient();
  const moment = useMoment();
  const [params, setParams] = useSearchParams();
  const status = (STATES as readonly string[]).includes(params.get("status") ?? "") ? (params.get("status") as State) : "all";
  const q = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v && !(k === "status" && v === "all") && !(k === "page" && v === "1")) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const list = useQuery({
    queryKey: ["outbox", status, q, page],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/admin/outbox", {
          params: { query: { status: status === "all" ? undefined : status, q: q || undefined, page, per_page: PER_PAGE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["outbox"] });
    void qc.invalidateQueries({ queryKey: ["mail-health"] });
  };
  const test = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/admin/mail/test")),
    onSuccess: () => {
      setMessage(t("mail.testQueued", { email: me.data?.email ?? "" }));
      refresh();
    },
  });
  const retryAll = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/admin/outbox/retry-failed")),
    onSuccess: (r) => {
      setConfirming(false);
      setMessage(t("mail.retried", { count: r.retried }));
      refresh();
    },
  });
  const retryOne = useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/v1/admin/outbox/{id}/retry", { params: { path: { id } } })),
    onSuccess: () => {
      setMessage(t("mail.retriedOne"));
      refresh();
    },
  });

  const data = list.data;
  const counts = data?.counts;
  const count = (s: State) => (!counts ? 0 : s === "all" ? counts.pending + counts.failed + counts.sent : counts[s]);
  const info = data ? pageInfo(data.total, data.page, data.per_page) : null;

  return (
    <>
      <BackLink to="/beheer">{t("back")}</BackLink>
      <Heading1>{t("mail.title")}</Heading1>
      <Paragraph lead>{t("mail.intro")}</Paragraph>

      <div className="lw-actions">
        {message && <Success>{message}</Success>}
        <ProblemAlert error={test.error ?? retryAll.error ?? retryOne.error} />
        <div className="lw-buttons">
          <Button appearance="secondary-action-button" onClick={() => test.mutate()} busy={test.isPending} disabled={test.isPending}>
            {t("mail.test")}
          </Button>
          {!confirming && (counts?.failed ?? 0) > 0 && (
            <Button appearance="primary-action-button" onClick={() => setConfirming(true)}>
              {t("mail.retryAll", { count: counts!.failed })}
            </Button>
          )}
        </div>
        {confirming && counts && (
          <Confirm
            id="retry-all"
            question={t("mail.retryAllQuestion", { count: counts.failed })}
            yes={t("mail.retryAllYes")}
            no={t("mail.no")}
            busy={retryAll.isPending}
            onYes={() => retryAll.mutate()}
            onNo={() => setConfirming(false)}
          />
        )}
      </div>

      <nav className="lw-tabs" aria-label={t("mail.states")}>
        <ul>
          {STATES.map((s) => (
            <li key={s}>
              <button
                type="button"
                className={s === status ? "lw-tabs__link lw-tabs__link--current lw-tabs__button" : "lw-tabs__link lw-tabs__button"}
                aria-pressed={s === status}
                onClick={() => set({ status: s, page: "1" })}
              >
                {t(`mail.state.${s}`)} <span className="lw-count">({count(s)})</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>

      <SearchForm
        key={q}
        id="mail-q"
        label={t("mail.searchLabel")}
        hint={t("mail.searchHint")}
        initial={q}
        onSearch={(v) => set({ q: v, page: "1" })}
      />

      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : data && data.items.length === 0 ? (
        <Empty>{t("mail.empty")}</Empty>
      ) : data ? (
        <>
          <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="mail-caption">
            <Table busy={list.isFetching} className="lw-table">
              <TableCaption id="mail-caption">{t("mail.caption")}</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("mail.recipient")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.subject")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.kindCol")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.status")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.attempts")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.lastError")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.when")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("mail.actions")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((m) => (
                  <MailRow key={m.id} m={m} moment={moment} busy={retryOne.isPending} onRetry={() => retryOne.mutate(m.id)} />
                ))}
              </TableBody>
            </Table>
          </div>
          {info && <Pager info={info} total={data.total} onPage={(p) => set({ page: String(p) })} busy={list.isFetching} />}
        </>
      ) : null}
    </>
  );
}

function MailRow({ m, moment, busy, onRetry }: { m: Mail; moment: (iso?: string | null) => string; busy: boolean; onRetry: () => void }) {
  const { t } = useTranslation("admin");
  const recipient = m.recipient_name ?? t("mail.erased");
  const subject = m.subject ?? t(`mail.kind.${m.kind}`, { defaultValue: m.kind });
  const retryable = m.status === "failed" || (m.status === "pending" && !!m.last_error);
  return (
    <TableRow>
      <TableCell>
        {recipient}
        {m.recipient_email && <span className="lw-sub">{m.recipient_email}</span>}
      </TableCell>
      <TableCell>{subject}</TableCell>
      <TableCell>{t(`mail.kind.${m.kind}`, { defaultValue: m.kind })}</TableCell>
      <TableCell>
        <span className={m.status === "failed" ? "lw-badge lw-badge--cancelled" : m.status === "sent" ? "lw-badge lw-badge--free" : "lw-badge lw-badge--theme"}>
          {t(`mail.state.${m.status}`, { defaultValue: m.status })}
        </span>
        {m.status === "pending" && m.last_error && <span className="lw-sub">{t("mail.retrying")}</span>}
      </TableCell>
      <TableCell className="lw-num">{m.attempts}</TableCell>
      <TableCell className="lw-error-text">{m.last_error ?? ""}</TableCell>
      <TableCell>
        <span className="lw-sub">{t("mail.queued", { at: moment(m.created_at) })}</span>
        {m.sent_at && <span className="lw-sub">{t("mail.sentAt", { at: moment(m.sent_at) })}</span>}
        {m.first_failed_at && <span className="lw-sub">{t("mail.failingSince", { at: moment(m.first_failed_at) })}</span>}
      </TableCell>
      <TableCell>
        {retryable && (
          <Button
            appearance="secondary-action-button"
            onClick={onRetry}
            disabled={busy}
            aria-label={t("mail.retryOne", { subject, recipient })}
          >
            {t("mail.retry")}
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}
