// On /goedkeuren: "Klussen: instemming gevraagd". Selections of the reader's people for a klus,
// waiting for their consent (five working days), soonest deadline first. Approve in one press;
// decline asks for an optional reason first (the candidate and the poster read it). A status
// line says what happened and takes the keyboard.
import { Button, FormField, FormLabel, Heading2, Paragraph, Textarea } from "@utrecht/component-library-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Selection } from "../../api/klussen";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import { useConsent, useConsents } from "../../hooks/klussen";
import { hoursText, MAX_REASON, periodText } from "../../klussen";

export default function Consents() {
  const { t } = useTranslation("klussen");
  const list = useConsents();
  const status = useRef<HTMLDivElement>(null);
  const [said, setSaid] = useState("");
  const items = [...(list.data ?? [])]
    .filter((s) => s.state === "pending")
    .sort((a, b) => a.due_at.localeCompare(b.due_at));
  const done = (message: string) => {
    setSaid(message);
    requestAnimationFrame(() => status.current?.focus());
  };
  return (
    <section aria-labelledby="consents-h" className="lw-consents">
      <Heading2 id="consents-h">{t("consents.title")}</Heading2>
      <Paragraph>{t("consents.intro")}</Paragraph>
      <div ref={status} tabIndex={-1} aria-live="polite" className="lw-status">{said && <Success>{said}</Success>}</div>
      <ProblemAlert error={list.error} />
      {list.isPending && <Loading />}
      {list.data && items.length === 0 && <Empty>{t("consents.empty")}</Empty>}
      {items.length > 0 && (
        <>
          <Paragraph>{t("consents.count", { count: items.length })}</Paragraph>
          <ul className="lw-approvals">
            {items.map((s) => <ConsentItem key={s.id} s={s} onDone={done} />)}
          </ul>
        </>
      )}
    </section>
  );
}

function ConsentItem({ s, onDone }: { s: Selection; onDone: (message: string) => void }) {
  const { t, i18n } = useTranslation("klussen");
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const declineButton = useRef<HTMLButtonElement>(null);
  const was = useRef(false);
  useEffect(() => {
    if (declining) reasonField.current?.focus();
    else if (was.current) declineButton.current?.focus();
    was.current = declining;
  }, [declining]);
  const consent = useConsent();
  // A candidate erased since the selection has no name any more.
  const person = s.person ?? { name: t("consents.someone"), unit_name: null, organisation_name: "" };
  const names = { name: person.name, title: s.title };
  const sel = s;
  const id = `consent-${sel.id}`;
  const a = s;
  const decide = (decision: "approve" | "decline") =>
    consent.mutate(
      { selectionId: sel.id, decision, reason: decision === "decline" ? reason : "" },
      { onSuccess: () => onDone(t(decision === "approve" ? "consents.approved" : "consents.declined", names)) },
    );
  return (
    <li className="lw-approval lw-card" aria-labelledby={id}>
      <h3 className="utrecht-heading-3" id={id}>
        {person.name}: <Link to={`/klussen/${s.assignment_id}`}>{s.title}</Link>
      </h3>
      <dl className="lw-approval__facts">
        <div><dt>{t("consents.unit")}</dt><dd>{person.unit_name ? `${person.organisation_name}, ${person.unit_name}` : person.organisation_name || t("consents.noUnit")}</dd></div>
        <div><dt>{t("facts.organisation")}</dt><dd>{a.unit_name ? `${a.organisation_name}, ${a.unit_name}` : a.organisation_name}</dd></div>
        <div><dt>{t("facts.hours")}</dt><dd>{hoursText(a, t)}</dd></div>
        <div><dt>{t("facts.place")}</dt><dd>{t(`place.${a.place}`, { defaultValue: a.place })}</dd></div>
        <div><dt>{t("facts.period")}</dt><dd>{periodText(a, t, i18n.language)}</dd></div>
        <div><dt>{t("consents.due")}</dt><dd>{dateTime(sel.due_at)}</dd></div>
      </dl>
      <ProblemAlert error={consent.error} />
      {!s.may_decide ? (
        <Paragraph className="lw-hint">{t("consents.notYours")}</Paragraph>
      ) : !declining ? (
        <p className="lw-buttons">
          <Button appearance="primary-action-button" aria-label={t("consents.approveLabel", names)} onClick={() => decide("approve")} busy={consent.isPending} disabled={consent.isPending}>
            {t("consents.approve")}
          </Button>{" "}
          <Button appearance="secondary-action-button" aria-label={t("consents.declineLabel", names)} onClick={() => setDeclining(true)} ref={declineButton}>
            {t("consents.decline")}
          </Button>
        </p>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); decide("decline"); }}>
          <FormField>
            <FormLabel htmlFor={`reason-${sel.id}`}>{t("consents.reason", { name: person.name })}</FormLabel>
            <Textarea id={`reason-${sel.id}`} maxLength={MAX_REASON} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} ref={reasonField} />
          </FormField>
          <p className="lw-buttons">
            <Button type="submit" appearance="primary-action-button" busy={consent.isPending} disabled={consent.isPending}>
              {t("consents.declineConfirm")}
            </Button>{" "}
            <Button appearance="subtle-button" onClick={() => setDeclining(false)}>{t("consents.keep")}</Button>
          </p>
        </form>
      )}
    </li>
  );
}
