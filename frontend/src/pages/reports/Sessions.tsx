// Sessions: per workshop its total (bold), then each session with its day and time: occupancy,
// waiting list, turnout and rating. Organisers of the host and admins only; others get a word of
// explanation instead of an error.
import { Alert, Heading2, Paragraph } from "@utrecht/component-library-react";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "./table";
import { useTranslation } from "react-i18next";
import { ApiProblem } from "../../api/client";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { shortDate, time } from "../../format";
import type { Event } from "../../hooks/events";
import { average, count, groupSessions, percent, turnout, type SessionRow } from "./model";
import { Downloads, Num } from "./parts";
import { useSessionsReport } from "./queries";

export function SessionsReport({ event }: { event: Event }) {
  const { t } = useTranslation("reports");
  const q = useSessionsReport(event.id);
  const forbidden = q.error instanceof ApiProblem && q.error.status === 403;
  const groups = groupSessions(q.data?.items ?? []);

  return (
    <>
      <Heading2 id="report-heading">{t("sessions.heading")}</Heading2>
      {forbidden ? (
        <Alert type="info">
          <Paragraph>{t("sessions.forbidden")}</Paragraph>
        </Alert>
      ) : (
        <>
          <Paragraph>{t("sessions.intro")}</Paragraph>
          <Paragraph className="lw-note">{t("sessions.dash")}</Paragraph>
          <Downloads eventId={event.id} kind="sessions" />
          {q.isPending ? (
            <Loading />
          ) : q.error ? (
            <ProblemAlert error={q.error} title={t("loadFailed")} />
          ) : groups.length === 0 ? (
            <Empty>{t("noData")}</Empty>
          ) : (
            <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="sessions-caption">
              <Table className="lw-table">
                <TableCaption id="sessions-caption">{t("sessions.caption")}</TableCaption>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell scope="col">{t("sessions.workshop")}</TableHeaderCell>
                    <TableHeaderCell scope="col">{t("sessions.host")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.capacity")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.confirmed")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.fillRate")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.waiting")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.attended")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.attendanceRate")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.noShows")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.feedbackCount")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.feedbackAverage")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("sessions.certificates")}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                {groups.map((g) => (
                  <TableBody key={g.total.workshop_id} className="lw-workshop">
                    <Row row={g.total} event={event} />
                    {g.sessions.map((s) => (
                      <Row key={s.session_id} row={s} event={event} />
                    ))}
                  </TableBody>
                ))}
              </Table>
            </div>
          )}
        </>
      )}
    </>
  );
}

function Row({ row, event }: { row: SessionRow; event: Event }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const isTotal = row.session_id == null;
  const cancelled = row.status === "cancelled";
  return (
    <TableRow className={isTotal ? "lw-row--total" : cancelled ? "lw-row--session lw-row--cancelled" : "lw-row--session"}>
      <TableHeaderCell scope="row">
        {isTotal ? (
          <>
            {row.title}
            <span className="lw-visually-hidden">, {t("sessions.total")}</span>
          </>
        ) : (
          <>
            <span className="lw-visually-hidden">{row.title}, </span>
            {row.starts_at ? `${shortDate(row.starts_at, event.time_zone)}, ${time(row.starts_at, event.time_zone)}` : ""}
            {cancelled && <> <span className="lw-badge lw-badge--cancelled">{t("sessions.cancelled")}</span></>}
          </>
        )}
      </TableHeaderCell>
      <TableCell>{isTotal ? row.host : ""}</TableCell>
      <Num>{count(row.capacity, lang)}</Num>
      <Num>{count(row.confirmed, lang)}</Num>
      <Num>{percent(row.fill_rate, lang)}</Num>
      <Num>{count(row.waiting, lang)}</Num>
      <Num>{count(row.attended, lang)}</Num>
      <Num>{percent(turnout(row), lang)}</Num>
      <Num>{count(row.no_shows, lang)}</Num>
      <Num>{count(row.feedback_count, lang)}</Num>
      <Num>{average(row.feedback_average, lang)}</Num>
      <Num>{count(row.certificates, lang)}</Num>
    </TableRow>
  );
}
