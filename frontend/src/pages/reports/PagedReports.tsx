// The long reports, a page at a time: people with their week, and people without any enrolment.
// The page lives in the address (`?pagina=`); the download holds every row.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "./table";
import { useEffect, type ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import type { Event } from "../../hooks/events";
import { hasRole, useMe } from "../../hooks/session";
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

interface PageOf<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

/**
 * One paged report: heading, downloads, loading/empty/error states, a captioned table of the
 * page shown, and the pager. `head` are the column headings, `row` renders one row's cells.
 */
function PagedReport<T>({
  event, kind, query, empty, head, row, rowKey,
}: {
  event: Event;
  kind: "people" | "reach";
  query: UseQueryResult<PageOf<T>>;
  empty: string;
  head: ReactNode;
  row: (item: T) => ReactNode;
  rowKey: (item: T) => string;
}) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const [page, setPage] = usePageParam();
  const q = query;
  useClampPage(q.data?.total, page, setPage);
  const data = q.data;
  // From the answer shown (the previous page stays until the next one is there).
  const info = data ? pageInfo(data.total, data.page || page, data.per_page || PER_PAGE) : undefined;

  return (
    <>
      <Heading2 id="report-heading">{t(`${kind}.heading`)}</Heading2>
      <Paragraph>{t(`${kind}.intro`)}</Paragraph>
      <Downloads eventId={event.id} kind={kind} />
      {q.isPending ? (
        <Loading />
      ) : q.error && !data ? (
        <ProblemAlert error={q.error} title={t("loadFailed")} />
      ) : !data || data.total === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <>
          <Paragraph className="lw-count">{t(`${kind}.count`, { count: data.total, n: count(data.total, lang) })}</Paragraph>
          <ProblemAlert error={q.error} title={t("loadFailed")} />
          <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby={`${kind}-caption`}>
            <Table className="lw-table" busy={q.isFetching}>
              <TableCaption id={`${kind}-caption`}>
                {t(`${kind}.caption`)} ({t("paging.page", { page: info!.page, pages: info!.pages })})
              </TableCaption>
              <TableHeader>
                <TableRow>{head}</TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((item) => (
                  <TableRow key={rowKey(item)}>{row(item)}</TableRow>
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

export function PeopleReport({ event }: { event: Event }) {
  const { t, i18n } = useTranslation("reports");
  const lang = i18n.language;
  const [page] = usePageParam();
  const query = usePeople(event.id, page);
  // A manager opens the portfolio of each of their people (what they shared with them).
  const me = useMe();
  const manager = hasRole(me.data, "manager");
  const { t: tp } = useTranslation("portfolio");
  return (
    <PagedReport
      event={event}
      kind="people"
      query={query}
      empty={t("noData")}
      rowKey={(p) => p.person_id}
      head={
        <>
          <TableHeaderCell scope="col">{t("people.name")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("people.email")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("people.organisation")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("people.unit")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.sessions")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.attended")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.noShows")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.excused")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.hours")}</TableHeaderCell>
          <TableHeaderCell scope="col" className="lw-num">{t("people.yearHours")}</TableHeaderCell>
          {manager && <TableHeaderCell scope="col">{tp("report.column")}</TableHeaderCell>}
        </>
      }
      row={(p) => (
        <>
          <TableHeaderCell scope="row">{p.name}</TableHeaderCell>
          <TableCell>{p.email}</TableCell>
          <TableCell>{p.organisation}</TableCell>
          <TableCell>{p.org_unit}</TableCell>
          <Num>{count(p.sessions, lang)}</Num>
          <Num>{count(p.attended, lang)}</Num>
          <Num>{count(p.no_shows, lang)}</Num>
          <Num>{count(p.excused, lang)}</Num>
          <Num>{hours(p.hours, lang)}</Num>
          <Num>{hours(p.year_hours, lang)}</Num>
          {manager && (
            <TableCell>
              <Link to={`/mensen/${p.person_id}/ontwikkeling`}>
                {tp("report.open")}
                <span className="lw-visually-hidden"> {tp("report.openOf", { name: p.name })}</span>
              </Link>
            </TableCell>
          )}
        </>
      )}
    />
  );
}

export function ReachReport({ event }: { event: Event }) {
  const { t } = useTranslation("reports");
  const [page] = usePageParam();
  const query = useReach(event.id, page);
  return (
    <PagedReport
      event={event}
      kind="reach"
      query={query}
      empty={t("reach.everyone")}
      rowKey={(p) => p.person_id}
      head={
        <>
          <TableHeaderCell scope="col">{t("reach.name")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("reach.email")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("reach.organisation")}</TableHeaderCell>
          <TableHeaderCell scope="col">{t("reach.unit")}</TableHeaderCell>
        </>
      }
      row={(p) => (
        <>
          <TableHeaderCell scope="row">{p.name}</TableHeaderCell>
          <TableCell><a href={`mailto:${p.email}`}>{p.email}</a></TableCell>
          <TableCell>{p.organisation}</TableCell>
          <TableCell>{p.org_unit}</TableCell>
        </>
      )}
    />
  );
}
