// The reports dashboard (managers, organisers, admins). Loaded only when opened, chart library
// included. The week (`?week=`), the report (`?rapport=`) and the page (`?pagina=`) live in the
// address, so a view can be shared and survives a reload.
import { FormField, FormLabel, Heading1, Paragraph, Select, SelectOption } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { pickEvent, useEvents, type Event } from "../../hooks/events";
import { hasRole, useMe } from "../../hooks/session";
import { AssignmentsReport } from "./Assignments";
import { MixReport } from "./Mix";
import { REPORTS, reportFromSlug, type ReportKind } from "./model";
import { PeopleReport, ReachReport } from "./PagedReports";
import { ParticipationReport } from "./Participation";
import { SessionsReport } from "./Sessions";

/** What the reader sees, by their widest role. */
export function scopeOf(roles: string[]): "admin" | "organiser" | "manager" {
  if (roles.includes("admin")) return "admin";
  if (roles.includes("organiser")) return "organiser";
  return "manager";
}

export default function Reports() {
  const { t } = useTranslation("reports");
  usePageTitle(t("title"));
  const me = useMe();
  const events = useEvents();
  const [params] = useSearchParams();
  const roles = me.data?.roles ?? [];
  const scope = scopeOf(roles);

  const event = events.data ? pickEvent(events.data, params.get("week")) : undefined;
  // The Klussenbank's figures need no week: its tab is there even before any week exists.
  const klussen = hasRole(me.data, "organiser", "admin");
  const kind = reportFromSlug(params.get("rapport"));

  return (
    <>
      <Heading1>{t("title")}</Heading1>
      <Paragraph lead>{t("intro")}</Paragraph>
      <Paragraph className="lw-scope">{t(`scope.${scope}`)}</Paragraph>
      {kind === "assignments" && klussen ? (
        <Dashboard kind={kind} event={event} events={events.data ?? []} showSessions showKlussen />
      ) : events.isPending ? (
        <Loading />
      ) : events.error ? (
        <ProblemAlert error={events.error} title={t("eventsFailed")} />
      ) : !event ? (
        <>
          {klussen && <Dashboard kind={kind} events={[]} showSessions={false} showKlussen />}
          <Empty>{t("noEvents")}</Empty>
        </>
      ) : (
        <Dashboard kind={kind} event={event} events={events.data ?? []} showSessions={hasRole(me.data, "organiser", "admin")} showKlussen={klussen} />
      )}
    </>
  );
}

function Dashboard({ kind, event, events, showSessions, showKlussen }: { kind: ReportKind; event?: Event; events: Event[]; showSessions: boolean; showKlussen: boolean }) {
  const { t } = useTranslation("reports");
  const [params, setParams] = useSearchParams();
  const tabs = REPORTS.filter(
    (r) =>
      (r.kind !== "sessions" || showSessions || kind === "sessions") &&
      (r.kind !== "assignments" || showKlussen) &&
      (event || r.kind === "assignments"),
  );

  const chooseWeek = (id: string) => {
    const next = new URLSearchParams(params);
    next.set("week", id);
    next.delete("pagina");
    setParams(next, { replace: true });
  };
  const linkTo = (slug: string) => {
    const next = new URLSearchParams();
    const week = params.get("week");
    if (week) next.set("week", week);
    next.set("rapport", slug);
    return `?${next.toString()}`;
  };
  const current = kind === "assignments" || event ? kind : null;

  return (
    <>
      {event && kind !== "assignments" && (
        <form className="lw-report-week" onSubmit={(e) => e.preventDefault()}>
          <FormField>
            <FormLabel htmlFor="r-week">{t("week")}</FormLabel>
            <Select id="r-week" value={event.id} onChange={(e) => chooseWeek(e.target.value)}>
              {events.map((e) => (
                <SelectOption key={e.id} value={e.id}>{e.name}</SelectOption>
              ))}
            </Select>
          </FormField>
        </form>
      )}

      <nav aria-label={t("tabs.label")} className="lw-tabs">
        <ul>
          {tabs.map((r) => (
            <li key={r.kind}>
              <Link
                to={linkTo(r.slug)}
                className={r.kind === current ? "lw-tabs__link lw-tabs__link--current" : "lw-tabs__link"}
                aria-current={r.kind === current ? "page" : undefined}
                preventScrollReset
              >
                {t(`tabs.${r.kind}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {current && (
        <section className="lw-report" aria-labelledby="report-heading">
          {current === "assignments" ? <AssignmentsReport /> : <Report kind={current} event={event!} />}
        </section>
      )}
    </>
  );
}

function Report({ kind, event }: { kind: ReportKind; event: Event }) {
  switch (kind) {
    case "participation":
      return <ParticipationReport event={event} />;
    case "people":
      return <PeopleReport event={event} />;
    case "reach":
      return <ReachReport event={event} />;
    case "sessions":
      return <SessionsReport event={event} />;
    case "mix":
      return <MixReport event={event} />;
    case "assignments":
      return <AssignmentsReport />;
  }
}
