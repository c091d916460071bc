// Participation: key figures of the total, a bar chart per organisation or unit, and the table
// with the same numbers.
import { Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { Table, TableBody, TableCaption, TableFooter, TableHeader, TableHeaderCell, TableRow } from "./table";
import { useTranslation } from "react-i18next";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import type { Event } from "../../hooks/events";
import ParticipationChart from "./ParticipationChart";
import { chartData, count, hours, percent, splitParticipation, type ParticipationRow } from "./model";
import { Downloads, Num } from "./parts";
import { useParticipation } from "./queries";

export function ParticipationReport({ event }: { event: Event }) {
  const { t } = useTranslation("reports");
  const q = useParticipation(event.id);
  const rows = q.data?.items ?? [];
  return (
    <>
      <Heading2 id="report-heading">{t("participation.heading")}</Heading2>
      <Downloads eventId={event.id} kind="participation" />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : rows.length === 0 ? (
        <Empty>{t("noData")}</Empty>
      ) : (
        <Participation rows={rows} />
      )}
    </>
  );
}

function Participation({ rows }: { rows: ParticipationRow[] }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const { total: totalRow, groups } = splitParticipation(rows);
  const total = totalRow ?? (groups.length === 1 ? groups[0]!.organisation : undefined);
  const chart = chartData(rows);
  const noAttendance = rows.every((r) => r.attended_sessions === 0 && r.no_shows === 0);
  // The managers' decisions, in weeks (or workshops) that ask for them.
  const approvals = rows.some((r) => r.approvals_pending + r.approvals_approved + r.approvals_declined + r.approvals_lapsed > 0);

  return (
    <>
      {total && (
        <section aria-labelledby="figures-heading">
          <Heading3 id="figures-heading">{t("participation.figures")}</Heading3>
          <dl className="lw-figures">
            <div className="lw-figure">
              <dt>{t("participation.enrolledShare")}</dt>
              <dd className="lw-figure__value">{percent(total.enrolled_share, lang)}</dd>
              <dd className="lw-figure__note">
                {t("participation.enrolledOf", { enrolled: count(total.enrolled, lang), employees: count(total.employees, lang) })}
              </dd>
            </div>
            <div className="lw-figure">
              <dt>{t("participation.attended")}</dt>
              <dd className="lw-figure__value">{t("participation.people", { count: total.attended, n: count(total.attended, lang) })}</dd>
              <dd className="lw-figure__note">{t("participation.attendedSessions", { count: total.attended_sessions, n: count(total.attended_sessions, lang) })}</dd>
            </div>
            <div className="lw-figure">
              <dt>{t("participation.hours")}</dt>
              <dd className="lw-figure__value">{t("participation.hoursUnit", { hours: hours(total.hours, lang) })}</dd>
            </div>
            <div className="lw-figure">
              <dt>{t("participation.noShows")}</dt>
              <dd className="lw-figure__value">{count(total.no_shows, lang)}</dd>
              <dd className="lw-figure__note">{t("participation.excused", { count: total.excused, n: count(total.excused, lang) })}</dd>
            </div>
          </dl>
          {noAttendance && <Paragraph className="lw-note">{t("noAttendance")}</Paragraph>}
        </section>
      )}

      {chart.data.length > 0 && (
        <section aria-labelledby="chart-heading">
          <Heading3 id="chart-heading">{t("participation.chartHeading", { context: chart.by })}</Heading3>
          <figure className="lw-figure-chart">
            <ParticipationChart data={chart.data} />
            <figcaption className="lw-chart__caption">{t("participation.chartAlt")}</figcaption>
          </figure>
        </section>
      )}

      <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="participation-caption">
        <Table className="lw-table">
          <TableCaption id="participation-caption">{t("participation.caption")}</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">{t("participation.name")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.employees")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.enrolled")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.share")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.attendedPeople")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.sessions")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.noShowsCol")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.excused")}</TableHeaderCell>
              <TableHeaderCell scope="col" className="lw-num">{t("participation.hoursCol")}</TableHeaderCell>
              {approvals && (
                <>
                  <TableHeaderCell scope="col" className="lw-num">{t("participation.approvalsPending")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("participation.approvalsApproved")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("participation.approvalsDeclined")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("participation.approvalsLapsed")}</TableHeaderCell>
                </>
              )}
            </TableRow>
          </TableHeader>
          <TableBody>
            {groups.flatMap((g) => [
              <Row key={`o-${g.organisation.organisation_id ?? g.organisation.organisation}`} row={g.organisation} kind="organisation" approvals={approvals} />,
              ...g.units.map((u) => (
                <Row key={`u-${u.organisation_id}-${u.org_unit_id ?? u.org_unit}`} row={u} kind="unit" approvals={approvals} />
              )),
            ])}
          </TableBody>
          {totalRow && (
            <TableFooter>
              <Row row={totalRow} kind="total" approvals={approvals} />
            </TableFooter>
          )}
        </Table>
      </div>
    </>
  );
}

function Row({ row, kind, approvals }: { row: ParticipationRow; kind: "organisation" | "unit" | "total"; approvals: boolean }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const name =
    kind === "total" ? t("participation.total") : kind === "organisation" ? row.organisation : row.org_unit;
  return (
    <TableRow className={`lw-row--${kind}`}>
      <TableHeaderCell scope="row">
        {kind === "unit" && (
          <span className="lw-visually-hidden">{t("participation.unitOf", { organisation: row.organisation })} </span>
        )}
        {name}
      </TableHeaderCell>
      <Num>{count(row.employees, lang)}</Num>
      <Num>{count(row.enrolled, lang)}</Num>
      <Num>{percent(row.enrolled_share, lang)}</Num>
      <Num>{count(row.attended, lang)}</Num>
      <Num>{count(row.attended_sessions, lang)}</Num>
      <Num>{count(row.no_shows, lang)}</Num>
      <Num>{count(row.excused, lang)}</Num>
      <Num>{hours(row.hours, lang)}</Num>
      {approvals && (
        <>
          <Num>{count(row.approvals_pending, lang)}</Num>
          <Num>{count(row.approvals_approved, lang)}</Num>
          <Num>{count(row.approvals_declined, lang)}</Num>
          <Num>{count(row.approvals_lapsed, lang)}</Num>
        </>
      )}
    </TableRow>
  );
}
