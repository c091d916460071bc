// One klus in a list: its title (the link), where and for whom, hours, period, place, closing
// date, the skills it asks, and the reader's fit explained; or, for its poster, its state, the
// places taken and how many wait for consent, and the ways to its responses and its form.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { AssignmentSummary } from "../../api/klussen";
import { askedSorted, needName, pendingText, placesText } from "../../klussen";
import { FitExplained, KlusFacts, StateBadge } from "./parts";

export function KlusCard({ a, managed = false, headingLevel = 2 }: { a: AssignmentSummary; managed?: boolean; headingLevel?: 2 | 3 }) {
  const { t, i18n } = useTranslation("klussen");
  const H = headingLevel === 2 ? "h2" : "h3";
  const titleId = `klus-${a.id}-title`;
  const skills = askedSorted(a.skills);
  // For its managers: beside the places taken, the selections waiting for a manager's consent.
  const pending = pendingText(a.pending, t);
  return (
    <li className="lw-card lw-klus">
      <article aria-labelledby={titleId}>
        <H id={titleId} className="utrecht-heading-3 lw-klus__title">
          <Link to={`/klussen/${a.id}`}>{a.title}</Link>
        </H>
        <p className="lw-session__badges">
          {(managed || a.state !== "open") && <StateBadge state={a.state} />}
          {a.responded && <span className="lw-badge lw-badge--mine">{t("card.responded")}</span>}
          {managed && <span className="lw-badge lw-badge--theme">{placesText({ places: a.places, taken: a.taken }, t)}</span>}
          {managed && pending && <span className="lw-badge lw-badge--waiting">{pending}</span>}
        </p>
        <KlusFacts a={a} />
        {skills.length > 0 && (
          <p className="lw-klus__skills">
            {t("card.skills")}{" "}
            {skills.map((s, i) => (
              <span key={s.skill_id}>
                {i > 0 && ", "}
                {s.required ? t("fit.requiredName", { name: needName(s, i18n.language) }) : needName(s, i18n.language)}
              </span>
            ))}
          </p>
        )}
        {!managed && <FitExplained fit={a.fit} />}
        {managed && (
          <p className="lw-buttons">
            <Link to={`/klussen/${a.id}/reacties`}>
              {t("card.responses")}
              <span className="lw-visually-hidden"> ({a.title})</span>
            </Link>
            {a.state !== "done" && (
              <Link to={`/klussen/${a.id}/bewerken`}>
                {t("card.edit")}
                <span className="lw-visually-hidden"> ({a.title})</span>
              </Link>
            )}
          </p>
        )}
      </article>
    </li>
  );
}
