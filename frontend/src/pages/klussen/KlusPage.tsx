// /klussen/{id}: a klus in full, how the reader fits it (in words), and their response: the form
// while they may respond, or where their response stands with withdrawing. Its managers find
// the ways to its responses and its form here too. A klus one may not see does not exist.
// The reader's own response (its state, the poster's last message, the selection with its
// deadline or the manager's reason) comes with the klus: no second request.
import { Button, Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { ApiProblem } from "../../api/client";
import type { Assignment } from "../../api/klussen";
import { usePageTitle } from "../../components/Layout";
import { Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import { useAssignment, useWithdraw } from "../../hooks/klussen";
import { askedSorted, consentText, mayWithdraw, needName, placesText } from "../../klussen";
import { BackLink } from "../organiser/shared";
import { RespondForm } from "./RespondForm";
import { AskFirst, FitExplained, KlusFacts, ResponseBadge, StateBadge, useFocusBack } from "./parts";

export default function KlusPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("klussen");
  const klus = useAssignment(id);
  usePageTitle(klus.data?.title ?? t("klus.title"));
  if (klus.isPending) return <Loading />;
  if (klus.error) {
    const gone = klus.error instanceof ApiProblem && klus.error.status === 404;
    return (
      <>
        <BackLink to="/klussen">{t("klus.back")}</BackLink>
        <Heading1>{gone ? t("klus.notFound") : t("klus.title")}</Heading1>
        {gone ? <Paragraph>{t("klus.notFoundText")}</Paragraph> : <ProblemAlert error={klus.error} />}
      </>
    );
  }
  return <Klus a={klus.data} />;
}

function Klus({ a }: { a: Assignment }) {
  const { t, i18n } = useTranslation("klussen");
  // Arriving from the poster's form: what was saved.
  const said = (useLocation().state as { said?: string } | null)?.said;
  return (
    <>
      <BackLink to={a.may_manage ? "/klussen/beheer" : "/klussen"}>{a.may_manage ? t("responses.back") : t("klus.back")}</BackLink>
      <Heading1>{a.title}</Heading1>
      {said && <Success>{said}</Success>}
      <p className="lw-session__badges">
        <StateBadge state={a.state} />
      </p>
      {a.may_manage && (
        <p className="lw-buttons">
          <Link to={`/klussen/${a.id}/reacties`}>{t("klus.toResponses", { count: a.responses ?? 0 })}</Link>
          {a.state !== "done" && <Link to={`/klussen/${a.id}/bewerken`}>{t("klus.edit")}</Link>}
        </p>
      )}
      <KlusFacts a={a}>
        <div><dt>{t("facts.places")}</dt><dd>{placesText(a, t)}</dd></div>
        <div><dt>{t("facts.reach")}</dt><dd>{t(`reach.${a.reach}`, { defaultValue: a.reach })}{a.reach === "partners" && a.partners.length > 0 ? `: ${a.partners.map((p) => p.name).join(", ")}` : ""}</dd></div>
        {a.contact && (
          <div><dt>{t("facts.contact")}</dt><dd>{a.contact.name} (<a href={`mailto:${a.contact.email}`}>{a.contact.email}</a>)</dd></div>
        )}
      </KlusFacts>
      {a.description && (
        <section aria-labelledby="about-h">
          <Heading2 id="about-h">{t("klus.about")}</Heading2>
          <p className="lw-description">{a.description}</p>
        </section>
      )}
      <section aria-labelledby="skills-h">
        <Heading2 id="skills-h">{t("klus.skills")}</Heading2>
        {a.skills.length === 0 ? (
          <Paragraph>{t("fit.noSkills")}</Paragraph>
        ) : (
          <ul>
            {askedSorted(a.skills).map((s) => (
              <li key={s.skill_id}>{needName(s, i18n.language)} — {s.required ? t("klus.required") : t("klus.nice")}</li>
            ))}
          </ul>
        )}
      </section>
      {a.fit !== undefined && a.fit !== null && (
        <section aria-labelledby="fit-h">
          <Heading2 id="fit-h">{t("klus.fit")}</Heading2>
          <FitExplained fit={a.fit} />
          <p className="lw-hint">{t("klus.fitHow")} <Link to="/mijn-ontwikkeling">{t("klus.fitSkills")}</Link></p>
        </section>
      )}
      <MyResponseSection a={a} />
    </>
  );
}

function MyResponseSection({ a }: { a: Assignment }) {
  const { t } = useTranslation("klussen");
  const heading = useRef<HTMLHeadingElement>(null);
  const [said, setSaid] = useState("");
  const withdraw = useWithdraw();
  const [asking, setAsking] = useState(false);
  const button = useFocusBack(asking);
  const own = a.my_response ?? null;
  const selection = own?.selection ?? null;
  // The consent's state alone, should the selection itself be missing.
  const consent = selection ?? (own?.consent_state ? { state: own.consent_state } : null);
  const after = (message: string) => {
    setSaid(message);
    setAsking(false);
    heading.current?.focus();
  };

  if (!own && !a.may_respond && !said) {
    if (a.may_manage) return null;
    return (
      <section aria-labelledby="respond-h">
        <Heading2 id="respond-h">{t("respond.title")}</Heading2>
        <Paragraph>{a.state === "open" ? t("respond.notYou") : t("respond.notOpen")}</Paragraph>
      </section>
    );
  }
  return (
    <section aria-labelledby="respond-h" className="lw-card lw-card--accent">
      <Heading2 id="respond-h" ref={heading} tabIndex={-1}>{own ? t("respond.yours") : t("respond.title")}</Heading2>
      <div aria-live="polite">{said && <Success>{said}</Success>}</div>
      {own ? (
        <>
          <p className="lw-session__badges">
            <ResponseBadge state={own.state} selection={consent} />
          </p>
          {selection && <Paragraph>{consentText(selection, t, dateTime)}</Paragraph>}
          {own.message && <Paragraph><strong>{t("mine.message")}</strong> {own.message}</Paragraph>}
          <details className="lw-klus__motivation">
            <summary>{t("mine.motivation")}</summary>
            <p className="lw-reflection__text">{own.motivation}</p>
          </details>
          <ProblemAlert error={withdraw.error} />
          {mayWithdraw(own.state, consent, a.state) &&
            (asking ? (
              <AskFirst
                id="withdraw"
                question={t("withdraw.question", { title: a.title })}
                yes={t("withdraw.yes")}
                no={t("withdraw.no")}
                busy={withdraw.isPending}
                onYes={() => withdraw.mutate(own.id, { onSuccess: () => after(t("withdraw.done")) })}
                onNo={() => setAsking(false)}
              />
            ) : (
              <p className="lw-buttons">
                <Button appearance="secondary-action-button" onClick={() => setAsking(true)} ref={button}>{t("withdraw.button")}</Button>
              </p>
            ))}
          <p><Link to="/klussen/mijn-reacties">{t("respond.allMine")}</Link></p>
        </>
      ) : (
        <>
          <Paragraph>{t("respond.intro")}</Paragraph>
          <RespondForm a={a} onDone={() => after(t("respond.sent"))} />
        </>
      )}
    </section>
  );
}
