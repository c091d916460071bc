// /mensen/:id/ontwikkeling: a report's portfolio for their own manager: the sessions they took
// part in with the study time, and only the reflections they chose to share. Anyone else (and
// a manager higher up the chain) is told that only the person's own manager sees it.
import { Heading1, Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { ApiProblem } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { longDate } from "../../format";
import { useReportPortfolio } from "../../hooks/portfolio";
import { BackLink } from "../organiser/shared";
import { ReportKlussen } from "./MyKlussen";
import { Participation } from "./MyParticipation";

export default function ReportDevelopment() {
  const { id = "" } = useParams();
  const { t } = useTranslation("portfolio");
  const portfolio = useReportPortfolio(id);
  const name = portfolio.data?.name;
  usePageTitle(name ? t("report.title", { name }) : t("report.titleFallback"));
  const back = <BackLink to="/rapportages?rapport=medewerkers">{t("report.back")}</BackLink>;

  if (portfolio.isPending) return <Loading />;
  if (portfolio.error) {
    const notFound = portfolio.error instanceof ApiProblem && (portfolio.error.status === 404 || portfolio.error.status === 403);
    return (
      <>
        {back}
        <Heading1>{t("report.notFound")}</Heading1>
        {notFound ? <Paragraph>{t("report.notFoundText")}</Paragraph> : <ProblemAlert error={portfolio.error} />}
      </>
    );
  }
  const p = portfolio.data;
  const shared = p.sessions.filter((s) => s.reflection);
  return (
    <>
      {back}
      <Heading1>{t("report.title", { name: p.name })}</Heading1>
      <Paragraph lead>{t("report.intro", { name: p.name })}</Paragraph>
      <Paragraph className="lw-scope">{t("report.onlyShared", { name: p.name })}</Paragraph>
      <section aria-labelledby="participation-h" className="lw-dev-section">
        <Heading2 id="participation-h">{t("report.participation")}</Heading2>
        <Participation portfolio={p} own={false} caption={t("report.caption", { name: p.name })} empty={t("report.none", { name: p.name })} />
      </section>
      <section aria-labelledby="shared-h" className="lw-dev-section">
        <Heading2 id="shared-h">{t("report.reflections")}</Heading2>
        {shared.length === 0 ? (
          <Empty>{t("report.noShared", { name: p.name })}</Empty>
        ) : (
          <ul className="lw-plain-list lw-reflections">
            {shared.map((s) => (
              <li key={s.enrolment_id} className="lw-card lw-reflection">
                <article aria-labelledby={`shared-${s.enrolment_id}`}>
                  <Heading3 id={`shared-${s.enrolment_id}`} className="lw-reflection__title">
                    {t("reflections.session", { workshop: s.workshop_title, date: longDate(s.starts_at) })}
                  </Heading3>
                  <dl className="lw-facts">
                    {s.reflection!.learned && (
                      <>
                        <dt>{t("reflections.learned")}</dt>
                        <dd className="lw-reflection__text">{s.reflection!.learned}</dd>
                      </>
                    )}
                    {s.reflection!.will_do && (
                      <>
                        <dt>{t("reflections.willDo")}</dt>
                        <dd className="lw-reflection__text">{s.reflection!.will_do}</dd>
                      </>
                    )}
                  </dl>
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
      <ReportKlussen portfolio={p} name={p.name} />
    </>
  );
}
