// The long reports, a page at a time: people with their week, and people without any enrolment.
// The page lives in the address (`?pagina=`); the download holds every row.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "./table";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import type { Event } from "../../hooks/events";
import { count, hours, pageInfo, parsePage, PER_PAGE } from "./model";
import { Downloads, Num, Pager } from "./parts";
import { usePeople, useReach } from "./queries";

function usePageParam(): [number, (page: number) => void] {
  const [params, setParams] = useSearchParams();
  const page = parsePage(params.get("pagina"));
  const setPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("pagina", String(p));
    else next.delete("pagina");
    setParams(next, { preventScrollReset: true });
  };
  return [page, setPage];
}

/** A page past the end (rows gone since the link was made): go to the last one. */
function useClampPage(total: number | undefined, page: number, setPage: (p: number) => void) {
  useEffect(() => {
    if (total === undefined) return;
    const info = pageInfo(total, page, PER_PAGE);
    if (info.page !== page) setPage(info.page);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [total, page]);
}

export function PeopleReport({ event }: { event: Event }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const [page, setPage] = usePageParam();
  const q = usePeople(event.id, page);
  useClampPage(q.data?.total, page, setPage);
  const data = q.data;
  // From the answer shown (the previous page stays until the next one is there).
  const info = data ? pageInfo(data.total, data.page || page, data.per_page || PER_PAGE) : undefined;

  return (
    <>
      <Heading2 id="report-heading">{t("people.heading")}</Heading2>
      <Paragraph>{t("people.intro")}</Paragraph>
      <Downloads eventId={event.id} kind="people" />
      {q.isPending ? (
        <Loading />
      ) : q.error && !data ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : !data || data.total === 0 ? (
        <Empty>{t("noData")}</Empty>
      ) : (
        <>
          <Paragraph className="lw-count">{t("people.count", { count: data.total, n: count(data.total, lang) })}</Paragraph>
          <ProblemAlert error={q.error} title={t("loadFailed")} />
          <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="people-caption">
            <Table className="lw-table" busy={q.isFetching}>
              <TableCaption id="people-caption">
                {t("people.caption")} ({t("paging.page", { page: info!.page, pages: info!.pages })})
              </TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("people.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("people.email")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("people.organisation")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("people.unit")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("people.sessions")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("people.attended")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("people.noShows")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("people.excused")}</TableHeaderCell>
                  <TableHeaderCell scope="col" className="lw-num">{t("people.hours")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((p) => (
                  <TableRow key={p.person_id}>
                    <TableHeaderCell scope="row">{p.name}</TableHeaderCell>
                    <TableCell>{p.email}</TableCell>
                    <TableCell>{p.organisation}</TableCell>
                    <TableCell>{p.org_unit}</TableCell>
                    <Num>{count(p.sessions, lang)}</Num>
                    <Num>{count(p.attended, lang)}</Num>
                    <Num>{count(p.no_shows, lang)}</Num>
                    <Num>{count(p.excused, lang)}</Num>
                    <Num>{hours(p.hours, lang)}</Num>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager info={info!} total={data.total} onPage={setPage} busy={q.isFetching} />
        </>
      )}
    </>
  );
}

export function ReachReport({ event }: { event: Event }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const [page, setPage] = usePageParam();
  const q = useReach(event.id, page);
  useClampPage(q.data?.total, page, setPage);
  const data = q.data;
  // From the answer shown (the previous page stays until the next one is there).
  const info = data ? pageInfo(data.total, data.page || page, data.per_page || PER_PAGE) : undefined;

  return (
    <>
      <Heading2 id="report-heading">{t("reach.heading")}</Heading2>
      <Paragraph>{t("reach.intro")}</Paragraph>
      <Downloads eventId={event.id} kind="reach" />
      {q.isPending ? (
        <Loading />
      ) : q.error && !data ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : !data || data.total === 0 ? (
        <Empty>{t("reach.everyone")}</Empty>
      ) : (
        <>
          <Paragraph className="lw-count">{t("reach.count", { count: data.total, n: count(data.total, lang) })}</Paragraph>
          <ProblemAlert error={q.error} title={t("loadFailed")} />
          <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="reach-caption">
            <Table className="lw-table" busy={q.isFetching}>
              <TableCaption id="reach-caption">
                {t("reach.caption")} ({t("paging.page", { page: info!.page, pages: info!.pages })})
              </TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("reach.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("reach.email")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("reach.organisation")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("reach.unit")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((p) => (
                  <TableRow key={p.person_id}>
                    <TableHeaderCell scope="row">{p.name}</TableHeaderCell>
                    <TableCell><a href={`mailto:${p.email}`}>{p.email}</a></TableCell>
                    <TableCell>{p.organisation}</TableCell>
                    <TableCell>{p.org_unit}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager info={info!} total={data.total} onPage={setPage} busy={q.isFetching} />
        </>
      )}
    </>
  );
}
