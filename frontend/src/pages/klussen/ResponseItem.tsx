// One response on the poster's page: rank, who (organisation, unit, address), the fit in parts,
// the motivation, the skills brought, where it stands (with the manager's consent), and the
// poster's choices: invite, select (the candidate's manager is asked) or decline, each with an
// optional message the candidate reads in the mail.
import { Button, FormField, FormLabel, Paragraph, Textarea } from "@utrecht/component-library-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Assignment, AssignmentResponse } from "../../api/klussen";
import { ProblemAlert } from "../../components/States";
import { dateTime } from "../../format";
import { useChoose } from "../../hooks/klussen";
import { consentText, MAX_MOTIVATION, mayChoose, partNames, type Choice } from "../../klussen";
import { FitExplained, ResponseBadge } from "./parts";

const CHOICES: Choice[] = ["invite", "select", "decline"];

export function ResponseItem({ a, r, onDone }: { a: Assignment; r: AssignmentResponse; onDone: (message: string) => void }) {
  const { t, i18n } = useTranslation("klussen");
  const [choosing, setChoosing] = useState<Choice | null>(null);
  const [message, setMessage] = useState("");
  const choose = useChoose();
  const field = useRef<HTMLTextAreaElement>(null);
  const buttons = useRef<HTMLDivElement>(null);
  const was = useRef<Choice | null>(null);
  useEffect(() => {
    if (choosing) field.current?.focus();
    else if (was.current) buttons.current?.querySelector<HTMLButtonElement>("button")?.focus();
    was.current = choosing;
  }, [choosing]);
  const name = r.person.name;
  const id = `resp-${r.id}`;
  const offered = CHOICES.filter((c) => mayChoose(c, a, r));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!choosing) return;
    const c = choosing;
    choose.mutate({ responseId: r.id, choice: c, message }, {
      onSuccess: () => {
        setChoosing(null);
        setMessage("");
        onDone(t(`choose.done.${c}`, { name }));
      },
    });
  };

  return (
    <li className="lw-card lw-response">
      <article aria-labelledby={id}>
        <h3 id={id} className="utrecht-heading-3">
          <span className="lw-response__rank">{t("responses.rank", { rank: r.rank })}</span> {name}
        </h3>
        <p className="lw-hint">
          {r.person.unit_name ? `${r.person.organisation_name}, ${r.person.unit_name}` : r.person.organisation_name}
          {" · "}
          <a href={`mailto:${r.person.email}`}>{r.person.email}</a>
          {" · "}
          {t("responses.at", { at: dateTime(r.created_at) })}
        </p>
        <p className="lw-session__badges"><ResponseBadge state={r.state} selection={r.selection} /></p>
        {r.selection && <Paragraph>{consentText(r.selection, t, dateTime)}</Paragraph>}
        <FitExplained fit={r.fit} person="them" />
        <p>
          <strong>{t("responses.brought")}</strong>{" "}
          {r.skills.length > 0 ? partNames(r.skills, t, i18n.language) : t("responses.broughtNone")}
        </p>
        <div className="lw-response__motivation">
          <p><strong>{t("responses.motivation")}</strong></p>
          <p className="lw-reflection__text">{r.motivation}</p>
        </div>
        {r.message && <p><strong>{t("responses.yourMessage")}</strong> {r.message}</p>}
        <ProblemAlert error={choose.error} />
        {offered.length > 0 && !choosing && (
          <div className="lw-buttons" ref={buttons}>
            {offered.map((c) => (
              <Button key={c} appearance={c === "select" ? "primary-action-button" : "secondary-action-button"} onClick={() => { choose.reset(); setChoosing(c); }}>
                {t(`choose.${c}`)}
                <span className="lw-visually-hidden"> ({name})</span>
              </Button>
            ))}
          </div>
        )}
        {choosing && (
          <form onSubmit={submit} className="lw-form lw-confirm" aria-labelledby={`${id}-q`}>
            <Paragraph id={`${id}-q`}>{t(`choose.question.${choosing}`, { name })}</Paragraph>
            <FormField>
              <FormLabel htmlFor={`${id}-message`}>{t("choose.message", { name })}</FormLabel>
              <Textarea id={`${id}-message`} rows={3} maxLength={MAX_MOTIVATION} value={message} onChange={(e) => setMessage(e.target.value)} ref={field} />
            </FormField>
            <div className="lw-buttons">
              <Button type="submit" appearance="primary-action-button" busy={choose.isPending} disabled={choose.isPending}>
                {t(`choose.confirm.${choosing}`)}
              </Button>
              <Button appearance="subtle-button" onClick={() => setChoosing(null)} disabled={choose.isPending}>{t("choose.back")}</Button>
            </div>
          </form>
        )}
      </article>
    </li>
  );
}
