// Across borders: per organisation how many attended seats were at another organisation's
// workshop, how many other organisations its people met (and which), and guests it hosted.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "./table";
import { useTranslation } from "react-i18next";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import type { Event } from "../../hooks/events";
import { count, mixHasData, NONE, percent } from "./model";
import { Downloads, Num } from "./parts";
import { useMix } from "./queries";

export function MixReport({ event }: { event: Event }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const q = useMix(event.id);
  const rows = q.data?.items ?? [];

  return (
    <>
      <Heading2 id="report-heading">{t("mix.heading")}</Heading2>
      <Paragraph>{t("mix.intro")}</Paragraph>
      <Downloads eventId={event.id} kind="mix" />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : !mixHasData(rows) ? (
        <Empty>
          {t("noData")} {t("mix.waiting")}
        </Empty>
      ) : (
        <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="mix-caption">
          <Table className="lw-table">
            <TableCaption id="mix-caption">{t("mix.caption")}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("mix.organisation")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("mix.attendedSessions")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("mix.atOtherHosts")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("mix.share")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("mix.met")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("mix.metNames")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("mix.guests")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.organisation_id ?? "all"}>
                  <TableHeaderCell scope="row">{r.organisation || t("mix.everyone")}</TableHeaderCell>
                  <Num>{count(r.attended_sessions, lang)}</Num>
                  <Num>{count(r.at_other_hosts, lang)}</Num>
                  <Num>{percent(r.at_other_hosts_share, lang)}</Num>
                  <Num>{count(r.organisations_met, lang)}</Num>
                  <TableCell>{r.met.length > 0 ? r.met.join(", ") : NONE}</TableCell>
                  <Num>
                    {r.guests_hosted != null ? (
                      count(r.guests_hosted, lang)
                    ) : (
                      <>
                        <span aria-hidden="true">{NONE}</span>
                        <span className="lw-visually-hidden">{t("mix.notVisible")}</span>
                      </>
                    )}
                  </Num>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}
