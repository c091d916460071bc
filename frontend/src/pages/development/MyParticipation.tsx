// "Mijn deelname": study time per year and the sessions taken part in, each attended one with
// its certificate of attendance (PDF and Open Badge) and, once issued, its code. The manager's
// view of a report uses the same list without the downloads.
import { Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { longDate } from "../../format";
import { usePortfolio, useRefreshAfterDownload } from "../../hooks/portfolio";
// The table markup without the library's Table* components (see ../reports/table.tsx).
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "../reports/table";
import { attendanceKey, hoursOf, yearText, type Portfolio, type PortfolioSession, type Year } from "../../portfolio";

export function MyParticipation() {
  const { t } = useTranslation("portfolio");
  const portfolio = usePortfolio();
  return (
    <section aria-labelledby="participation-h" className="lw-dev-section">
      <Heading2 id="participation-h">{t("participation.title")}</Heading2>
      <Paragraph>{t("participation.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : (
        <Participation portfolio={portfolio.data} own caption={t("participation.caption")} empty={t("participation.none")} />
      )}
    </section>
  );
}

/** Hours per year and the table of sessions; `own`: with the certificate downloads. */
export function Participation({ portfolio, own, caption, empty }: { portfolio: Portfolio; own: boolean; caption: string; empty: string }) {
  if (portfolio.sessions.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <Years years={portfolio.years} />
      <SessionsTable sessions={portfolio.sessions} own={own} caption={caption} />
    </>
  );
}

export function Years({ years }: { years: Year[] }) {
  const { t, i18n } = useTranslation("portfolio");
  return (
    <>
      <Heading3 id="years-h" className="lw-years-h">{t("participation.years")}</Heading3>
      {years.length === 0 ? (
        <Paragraph>{t("participation.noYears")}</Paragraph>
      ) : (
        <ul aria-labelledby="years-h" className="lw-years">
          {years.map((y) => (
            <li key={y.year}>{yearText(y, t, i18n.language)}</li>
          ))}
        </ul>
      )}
    </>
  );
}

function SessionsTable({ sessions, own, caption }: { sessions: PortfolioSession[]; own: boolean; caption: string }) {
  const { t, i18n } = useTranslation("portfolio");
  return (
    <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="participation-caption">
      <Table className="lw-table lw-portfolio-table">
        <TableCaption id="participation-caption">{caption}</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHeaderCell scope="col">{t("participation.date")}</TableHeaderCell>
            <TableHeaderCell scope="col">{t("participation.workshop")}</TableHeaderCell>
            <TableHeaderCell scope="col">{t("participation.host")}</TableHeaderCell>
            <TableHeaderCell scope="col" className="lw-num">{t("participation.hours")}</TableHeaderCell>
            <TableHeaderCell scope="col">{t("participation.attendance")}</TableHeaderCell>
            {own && <TableHeaderCell scope="col">{t("participation.certificate")}</TableHeaderCell>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {sessions.map((s) => (
            <TableRow key={s.enrolment_id} data-enrolment={s.enrolment_id}>
              <TableCell>{longDate(s.starts_at)}</TableCell>
              <TableHeaderCell scope="row">
                {s.workshop_title}{" "}
                <span className="lw-portfolio-table__week">{t("participation.week", { name: s.event_name })}</span>
              </TableHeaderCell>
              <TableCell>{s.host_organisation}</TableCell>
              <TableCell className="lw-num">{s.minutes > 0 ? hoursOf(s.minutes, i18n.language) : "—"}</TableCell>
              <TableCell>{t(`attendance.${attendanceKey(s.attendance)}`)}</TableCell>
              {own && (
                <TableCell>
                  <Certificate session={s} />
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function Certificate({ session: s }: { session: PortfolioSession }) {
  const { t } = useTranslation("portfolio");
  const refresh = useRefreshAfterDownload(["portfolio"]);
  if (!s.certificate_available) {
    return <span className="lw-hint">{t("participation.noCertificate")}</span>;
  }
  const about = t("participation.about", { workshop: s.workshop_title, date: longDate(s.starts_at) });
  const base = `/api/v1/enrolments/${s.enrolment_id}`;
  return (
    <>
      <ul className="lw-plain-list lw-certificate-links">
        <li>
          <a href={`${base}/certificate.pdf`} download onClick={s.certificate_code ? undefined : refresh}>
            {t("participation.pdf")}
            <span className="lw-visually-hidden"> {about}</span>
          </a>
        </li>
        <li>
          <a href={`${base}/certificate.json`} download onClick={s.certificate_code ? undefined : refresh}>
            {t("participation.json")}
            <span className="lw-visually-hidden"> {about}</span>
          </a>
        </li>
      </ul>
      {s.certificate_code ? (
        <p className="lw-certificate-code">
          <span>{t("participation.code", { code: s.certificate_code })}</span>{" "}
          (<a href={`/verificatie/${s.certificate_code}`} aria-label={t("participation.verifyLabel", { code: s.certificate_code })}>
            {t("participation.verify")}
          </a>)
        </p>
      ) : (
        <p className="lw-hint">{t("participation.codeLater")}</p>
      )}
    </>
  );
}
