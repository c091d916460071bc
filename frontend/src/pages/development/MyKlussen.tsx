// "Klussen": the klussen I took part in that are done, from the portfolio, with period, hours
// and skills, and a reflection on each (what I learned, what I will do with it), private unless
// shared with my manager. Each is anchored at `#klus-{selection_id}` (the mails link there): the
// page scrolls to it and puts the focus on its heading.
import { Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { PortfolioAssignment } from "../../api/klussen";
import { ReflectionEditor } from "../../components/ReflectionEditor";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { useFocusAnchor } from "../../hooks/anchor";
import { portfolioAssignments, useRemoveKlusReflection, useSaveKlusReflection } from "../../hooks/klussen";
import { usePortfolio } from "../../hooks/portfolio";
import { anchoredSelection, askedSorted, hoursText, klusAnchor, needName, periodText } from "../../klussen";
import type { Portfolio } from "../../portfolio";

export function MyKlussen() {
  const { t } = useTranslation("klussen");
  const portfolio = usePortfolio();
  const items = portfolioAssignments(portfolio.data);
  useFocusAnchor(!!portfolio.data, anchoredSelection, klusAnchor);
  return (
    <section aria-labelledby="my-klussen-h" className="lw-dev-section">
      <Heading2 id="my-klussen-h">{t("portfolio.title")}</Heading2>
      <Paragraph>{t("portfolio.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : items.length === 0 ? (
        <Empty>
          {t("portfolio.none")} <Link to="/klussen">{t("portfolio.toList")}</Link>
        </Empty>
      ) : (
        <ul className="lw-plain-list lw-reflections">
          {items.map((k) => (
            <li key={k.selection_id} className="lw-card lw-reflection">
              <KlusReflection k={k} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function KlusReflection({ k }: { k: PortfolioAssignment }) {
  const { t, i18n } = useTranslation("klussen");
  const save = useSaveKlusReflection(k.selection_id);
  const remove = useRemoveKlusReflection(k.selection_id);
  const skills = askedSorted(k.skills);
  return (
    <ReflectionEditor
      id={k.selection_id}
      idPrefix="klus-"
      anchor={klusAnchor(k.selection_id)}
      title={k.title}
      name={k.title}
      saved={k.reflection ?? null}
      save={save}
      remove={remove}
      questionTakesFocus
    >
      <dl className="lw-klus-facts">
        <div><dt>{t("facts.organisation")}</dt><dd>{k.unit_name ? `${k.organisation_name}, ${k.unit_name}` : k.organisation_name}</dd></div>
        <div><dt>{t("facts.period")}</dt><dd>{periodText(k, t, i18n.language)}</dd></div>
        <div><dt>{t("facts.hours")}</dt><dd>{hoursText(k, t)}</dd></div>
        {skills.length > 0 && (
          <div><dt>{t("klus.skills")}</dt><dd>{skills.map((s) => needName(s, i18n.language)).join(", ")}</dd></div>
        )}
      </dl>
    </ReflectionEditor>
  );
}

/** In a manager's view of a report: the done klussen, and only the reflections shared with them. */
export function ReportKlussen({ portfolio, name }: { portfolio: Portfolio; name: string }) {
  const { t, i18n } = useTranslation("klussen");
  const { t: tp } = useTranslation("portfolio");
  const items = portfolioAssignments(portfolio);
  return (
    <section aria-labelledby="report-klussen-h" className="lw-dev-section">
      <Heading2 id="report-klussen-h">{t("portfolio.title")}</Heading2>
      {items.length === 0 ? (
        <Empty>{t("portfolio.reportNone", { name })}</Empty>
      ) : (
        <>
          <Paragraph>{t("portfolio.reportIntro", { name })}</Paragraph>
          <ul className="lw-plain-list lw-reflections">
            {items.map((k) => (
              <li key={k.selection_id} className="lw-card lw-reflection">
                <article aria-labelledby={`report-klus-${k.selection_id}`}>
                  <Heading3 id={`report-klus-${k.selection_id}`} className="lw-reflection__title">{k.title}</Heading3>
                  <dl className="lw-klus-facts">
                    <div><dt>{t("facts.organisation")}</dt><dd>{k.unit_name ? `${k.organisation_name}, ${k.unit_name}` : k.organisation_name}</dd></div>
                    <div><dt>{t("facts.period")}</dt><dd>{periodText(k, t, i18n.language)}</dd></div>
                    <div><dt>{t("facts.hours")}</dt><dd>{hoursText(k, t)}</dd></div>
                    {k.reflection?.learned && <div><dt>{tp("reflections.learned")}</dt><dd className="lw-reflection__text">{k.reflection.learned}</dd></div>}
                    {k.reflection?.will_do && <div><dt>{tp("reflections.willDo")}</dt><dd className="lw-reflection__text">{k.reflection.will_do}</dd></div>}
                  </dl>
                  {!k.reflection && <p className="lw-hint">{t("portfolio.notShared")}</p>}
                </article>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
