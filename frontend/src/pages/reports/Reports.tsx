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

  return (
    <>
      <Heading1>{t("title")}</Heading1>
      <Paragraph lead>{t("intro")}</Paragraph>
      <Paragraph className="lw-scope">{t(`scope.${scope}`)}</Paragraph>
      {events.isPending ? (
        <Loading />
      ) : events.error ? (
        <ProblemAlert error={events.error} title={t("eventsFailed")} />
      ) : !event ? (
        <Empty>{t("noEvents")}</Empty>
      ) : (
        <Dashboard event={event} events={events.data ?? []} showSessions={hasRole(me.data, "organiser", "admin")} />
      )}
    </>
  );
}

function Dashboard({ event, events, showSessions }: { event: Event; events: Event[]; showSessions: boolean }) {
  const { t } = useTranslation("reports");
  const [params, setParams] = useSearchParams();
  const kind = reportFromSlug(params.get("rapport"));
  const tabs = REPORTS.filter((r) => r.kind !== "sessions" || showSessions || kind === "sessions");

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

  return (
    <>
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

      <nav aria-label={t("tabs.label")} className="lw-tabs">
        <ul>
          {tabs.map((r) => (
            <li key={r.kind}>
              <Link
                to={linkTo(r.slug)}
                className={r.kind === kind ? "lw-tabs__link lw-tabs__link--current" : "lw-tabs__link"}
                aria-current={r.kind === kind ? "page" : undefined}
                preventScrollReset
              >
                {t(`tabs.${r.kind}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <section className="lw-report" aria-labelledby="report-heading">
        <Report kind={kind} event={event} />
      </section>
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
  }
}
