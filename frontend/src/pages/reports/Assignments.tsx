// The Klussenbank's figures per organisation for a calendar year (`?jaar=`): klussen posted,
// filled and how fast, participants and how many came from another organisation, hours.
// Admins see every organisation, organisers their own. CSV and Excel hold the same rows.
import { FormField, FormLabel, Heading2, Paragraph, Select, SelectOption } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { figuresDownload, useFigures } from "../../hooks/klussen";
import { count, hours, NONE, percent } from "./model";
import { Num } from "./parts";
import { Table, TableBody, TableCaption, TableHeader, TableHeaderCell, TableRow } from "./table";

const FIRST_YEAR = 2026;

/** The year from the address, or this year; never before the Klussenbank existed or after next year. */
export function yearOf(value: string | null, now = new Date()): number {
  const current = now.getFullYear();
  const n = Number(value);
  return Number.isInteger(n) && n >= FIRST_YEAR && n <= current + 1 ? n : current;
}

export function AssignmentsReport() {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const year = yearOf(params.get("jaar"));
  const years = Array.from({ length: Math.max(1, new Date().getFullYear() - FIRST_YEAR + 1) }, (_, i) => new Date().getFullYear() - i);
  const q = useFigures(year);
  const rows = q.data?.items ?? [];
  const choose = (y: string) => {
    const next = new URLSearchParams(params);
    next.set("jaar", y);
    setParams(next, { replace: true });
  };
  const hintId = "dl-hint-assignments";

  return (
    <>
      <Heading2 id="report-heading">{t("assignments.heading")}</Heading2>
      <Paragraph>{t("assignments.intro")}</Paragraph>
      <form className="lw-report-week" onSubmit={(e) => e.preventDefault()}>
        <FormField>
          <FormLabel htmlFor="r-year">{t("assignments.year")}</FormLabel>
          <Select id="r-year" value={String(year)} onChange={(e) => choose(e.target.value)}>
            {years.map((y) => <SelectOption key={y} value={String(y)}>{y}</SelectOption>)}
          </Select>
        </FormField>
      </form>
      <div className="lw-downloads" role="group" aria-label={t("download.label")}>
        <a className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href={figuresDownload(year, "csv")} download aria-describedby={hintId}>
          {t("download.csv")}
        </a>
        <a className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href={figuresDownload(year, "xlsx")} download aria-describedby={hintId}>
          {t("download.xlsx")}
        </a>
        <span id={hintId} className="lw-downloads__hint">{t("assignments.downloadHint", { year })}</span>
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : rows.every((r) => r.posted === 0) ? (
        <Empty>{t("assignments.none", { year })}</Empty>
      ) : (
        <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="assignments-caption">
          <Table className="lw-table">
            <TableCaption id="assignments-caption">{t("assignments.caption", { year })}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("assignments.organisation")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.posted")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.withParticipants")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.filled")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.fillRate")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.median")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.participants")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.fromElsewhere")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.share")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.hoursPerWeek")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("assignments.totalHours")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.organisation_id}>
                  <TableHeaderCell scope="row">{r.organisation}</TableHeaderCell>
                  <Num>{count(r.posted, lang)}</Num>
                  <Num>{count(r.with_participants, lang)}</Num>
                  <Num>{count(r.filled, lang)}</Num>
                  <Num>{percent(r.fill_rate, lang)}</Num>
                  <Num>{r.median_days_to_fill == null ? NONE : hours(r.median_days_to_fill, lang)}</Num>
                  <Num>{count(r.participants, lang)}</Num>
                  <Num>{count(r.from_elsewhere, lang)}</Num>
                  <Num>{percent(r.share_across_borders, lang)}</Num>
                  <Num>{count(r.hours_per_week, lang)}</Num>
                  <Num>{count(r.total_hours, lang)}</Num>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}
