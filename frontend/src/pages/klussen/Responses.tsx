// /klussen/{id}/reacties: the poster's page. Where the klus stands with the changes its life
// cycle allows (each after a confirmation), the responses ranked by fit with the choices, and
// suggestions of findable people. A status line says what happened; the keyboard goes to it.
import { Button, Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiProblem } from "../../api/client";
import type { Assignment, AssignmentState } from "../../api/klussen";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { useAssignment, useResponses, useSuggestions, useUpdateAssignment } from "../../hooks/klussen";
import { closingText, daysLeft, nextStates, partNames, placesText } from "../../klussen";
import { BackLink } from "../organiser/shared";
import { ResponseItem } from "./ResponseItem";
import { AskFirst, StateBadge, useFocusBack } from "./parts";

export default function Responses() {
  const { id = "" } = useParams();
  const { t } = useTranslation("klussen");
  const klus = useAssignment(id);
  usePageTitle(klus.data ? t("responses.title", { title: klus.data.title }) : t("responses.titleShort"));
  if (klus.isPending) return <Loading />;
  if (klus.error || !klus.data.may_manage) {
    const gone = !klus.data && klus.error instanceof ApiProblem && klus.error.status === 404;
    return (
      <>
        <BackLink to="/klussen/beheer">{t("responses.back")}</BackLink>
        <Heading1>{gone ? t("klus.notFound") : t("responses.titleShort")}</Heading1>
        {klus.error && !gone ? <ProblemAlert error={klus.error} /> : <Paragraph>{gone ? t("klus.notFoundText") : t("responses.notYours")}</Paragraph>}
      </>
    );
  }
  return <Manage a={klus.data} />;
}

function Manage({ a }: { a: Assignment }) {
  const { t, i18n } = useTranslation("klussen");
  const [said, setSaid] = useState("");
  const status = useRef<HTMLDivElement>(null);
  const responses = useResponses(a.id);
  const suggestions = useSuggestions(a.id, a.state !== "done");
  const tell = (message: string) => {
    setSaid(message);
    // The status line takes the keyboard (the button pressed may be gone).
    requestAnimationFrame(() => status.current?.focus());
  };
  return (
    <>
      <BackLink to={`/klussen/${a.id}`}>{t("form.backTo", { title: a.title })}</BackLink>
      <Heading1>{t("responses.title", { title: a.title })}</Heading1>
      <div ref={status} tabIndex={-1} aria-live="polite" className="lw-status">{said && <Success>{said}</Success>}</div>
      <section aria-labelledby="state-h" className="lw-card lw-card--accent">
        <Heading2 id="state-h">{t("states.title")}</Heading2>
        <p className="lw-session__badges"><StateBadge state={a.state} /></p>
        <Paragraph>{placesText(a, t)}. {closingText(a.closes_on, t, i18n.language)}</Paragraph>
        <StateActions a={a} onDone={tell} />
        {a.state !== "done" && <p><Link to={`/klussen/${a.id}/bewerken`}>{t("klus.edit")}</Link></p>}
      </section>

      <section aria-labelledby="responses-h">
        <Heading2 id="responses-h">{t("responses.heading", { count: responses.data?.length ?? 0 })}</Heading2>
        <Paragraph>{t("responses.intro")}</Paragraph>
        <ProblemAlert error={responses.error} />
        {responses.isPending && <Loading />}
        {responses.data && responses.data.length === 0 && <Empty>{a.state === "draft" ? t("responses.draft") : t("responses.none")}</Empty>}
        {responses.data && responses.data.length > 0 && (
          <ol className="lw-plain-list lw-responses">
            {responses.data.map((r) => (
              <ResponseItem key={r.id} a={a} r={r} onDone={tell} />
            ))}
          </ol>
        )}
      </section>

      {a.state !== "done" && (
        <section aria-labelledby="suggest-h">
          <Heading2 id="suggest-h">{t("suggest.title")}</Heading2>
          <Paragraph>{t("suggest.intro")}</Paragraph>
          <ProblemAlert error={suggestions.error} />
          {suggestions.isPending && <Loading />}
          {suggestions.data && suggestions.data.length === 0 && <Empty>{t("suggest.none")}</Empty>}
          {suggestions.data && suggestions.data.length > 0 && (
            <ul className="lw-plain-list">
              {suggestions.data.map((s) => (
                <li key={s.person_id} className="lw-card">
                  <h3 className="utrecht-heading-3">{s.name}</h3>
                  <p className="lw-hint">{s.unit_name ? `${s.organisation_name}, ${s.unit_name}` : s.organisation_name}</p>
                  <p>{t("suggest.matching", { percent: s.percent, names: partNames(s.matching, t, i18n.language) })}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

/** Open, close, mark filled, mark done: each asks first, saying what follows. */
function StateActions({ a, onDone }: { a: Assignment; onDone: (message: string) => void }) {
  const { t } = useTranslation("klussen");
  const [asking, setAsking] = useState<AssignmentState | null>(null);
  const update = useUpdateAssignment(a.id);
  const box = useFocusBack<HTMLDivElement>(asking !== null);
  const moves = nextStates(a.state);
  // Opening again needs a closing date from today on: say so instead of offering what fails.
  const closedPast = daysLeft(a.closes_on) < 0;
  if (moves.length === 0) return <Paragraph>{t("states.doneText")}</Paragraph>;
  return (
    <>
      <ProblemAlert error={update.error} />
      {asking ? (
        <AskFirst
          id="state-ask"
          question={t(`states.question.${asking}`, { title: a.title })}
          yes={t(`states.yes.${asking}`)}
          no={t("states.no")}
          busy={update.isPending}
          onYes={() => update.mutate({ state: asking }, { onSuccess: () => { setAsking(null); onDone(t(`states.done.${asking}`, { title: a.title })); } })}
          onNo={() => setAsking(null)}
        />
      ) : (
        <div className="lw-buttons" ref={box} tabIndex={-1}>
          {moves.map((s) => (
            <Button
              key={s}
              appearance={s === "done" || s === "open" ? "primary-action-button" : "secondary-action-button"}
              onClick={() => { update.reset(); setAsking(s); }}
              disabled={s === "open" && closedPast}
              aria-describedby={s === "open" && closedPast ? "state-reopen-hint" : undefined}
            >
              {t(`states.to.${s}`)}
            </Button>
          ))}
        </div>
      )}
      {moves.includes("open") && closedPast && <p id="state-reopen-hint" className="lw-hint">{t("states.reopenHint")}</p>}
    </>
  );
}
