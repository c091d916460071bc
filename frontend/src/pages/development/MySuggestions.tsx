// "Suggesties": sessions to come that teach a skill the person wants to grow in, with the skills
// that match and a link to the session's page.
import { Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { longDate, timeRange } from "../../format";
import { usePortfolio } from "../../hooks/portfolio";
import { skillNames } from "../../skills";

export function MySuggestions() {
  const { t, i18n } = useTranslation("portfolio");
  const portfolio = usePortfolio();
  const p = portfolio.data;
  return (
    <section aria-labelledby="suggestions-h" className="lw-dev-section">
      <Heading2 id="suggestions-h">{t("suggestions.title")}</Heading2>
      <Paragraph>{t("suggestions.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : p!.suggestions.length === 0 ? (
        <Empty>{p!.skills.want.length === 0 ? t("suggestions.noWants") : t("suggestions.none")}</Empty>
      ) : (
        <ul className="lw-plain-list lw-suggestions">
          {p!.suggestions.map((s) => (
            <li key={s.session_id} className="lw-card lw-suggestion">
              <Heading3 className="lw-suggestion__title">
                <Link to={`/sessies/${s.session_id}`}>{s.workshop_title}</Link>
              </Heading3>
              <p className="lw-suggestion__when">
                {longDate(s.starts_at)}, {timeRange(s.starts_at, s.ends_at)} · {s.event_name}
              </p>
              <p className="lw-suggestion__skills">{t("suggestions.matches", { skills: skillNames(s.skills, i18n.language) })}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
