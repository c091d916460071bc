// The week's programme: filters in the address (so a filtered list can be shared and survives a
// reload), sessions grouped by day, seat counts that refresh by themselves.
import { Alert, Checkbox, FormField, FormLabel, Heading1, Heading2, Paragraph, Select, SelectOption, Textbox } from "@utrecht/component-library-react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { usePageTitle } from "../components/Layout";
import { MyStatusBadge, SeatBadge } from "../components/SeatBadge";
import { Empty, Loading, ProblemAlert } from "../components/States";
import { useCurrentEvent, type Event } from "../hooks/events";
import { bySession, useAgenda, useProgramme, useThemes, type ProgrammeFilters, type ProgrammeItem } from "../hooks/programme";
import { useSkills } from "../hooks/skills";
import { dateTime, dayKey, dayLabel, daysBetween, longDate, timeRange } from "../format";
import { byName, skillName, skillNames } from "../skills";

const FORMATS = ["on_site", "online", "hybrid"] as const;

export function Programme() {
  const { t } = useTranslation();
  const { event, isPending, error, data: events } = useCurrentEvent();
  usePageTitle(event?.name ?? t("programme.title"));

  if (isPending) return <Loading />;
  if (error) return <ProblemAlert error={error} title={t("programme.loadFailed")} />;
  if (!event) {
    return (
      <>
        <Heading1>{t("programme.title")}</Heading1>
        <Empty>{events && events.length > 0 ? t("programme.noneOpen") : t("programme.noEvents")}</Empty>
      </>
    );
  }
  return <EventProgramme event={event} />;
}

function EventProgramme({ event }: { event: Event }) {
  const { t, i18n } = useTranslation();
  const { t: tl } = useTranslation("lottery");
  const [params, setParams] = useSearchParams();
  const filters: ProgrammeFilters = {
    day: params.get("dag") ?? undefined,
    theme: params.get("thema") ?? undefined,
    organisation_id: params.get("gemeente") ?? undefined,
    format: params.get("vorm") ?? undefined,
    skill: params.get("vaardigheid") ?? undefined,
    q: params.get("zoek") ?? undefined,
    available: params.get("vrij") === "1" || undefined,
  };
  const programme = useProgramme(event.id, filters);
  const all = useProgramme(event.id, {});
  const themes = useThemes(event.id);
  // Only skills some workshop teaches: the others would find nothing.
  const vocabulary = useSkills();
  const taught = useMemo(
    () => byName((vocabulary.data ?? []).filter((s) => s.workshops > 0 || s.id === filters.skill), i18n.language),
    [vocabulary.data, i18n.language, filters.skill],
  );
  const agenda = useAgenda();
  const mine = useMemo(() => bySession(agenda.data?.items), [agenda.data]);
  const [search, setSearch] = useState(filters.q ?? "");

  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  // Search as one types, a moment after the last key.
  useEffect(() => {
    const handle = setTimeout(() => {
      if ((params.get("zoek") ?? "") !== search.trim()) set("zoek", search.trim() || undefined);
    }, 300);
    return () => clearTimeout(handle);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const hosts = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of all.data?.sessions ?? []) m.set(s.host_organisation_id, s.host_organisation_name);
    return [...m.entries()].sort((a, b) => a[1].localeCompare(b[1], "nl"));
  }, [all.data]);

  const sessions = programme.data?.sessions ?? [];
  const days = useMemo(() => {
    const groups = new Map<string, ProgrammeItem[]>();
    for (const s of sessions) {
      const k = dayKey(s.starts_at, event.time_zone);
      groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    return [...groups.entries()];
  }, [sessions, event.time_zone]);

  const now = new Date();
  const opens = new Date(event.enrolment_opens_at);
  const closes = new Date(event.enrolment_closes_at);
  const anyFilter = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <Heading1>{event.name}</Heading1>
      <Paragraph lead>
        {t("programme.dates", { from: longDate(`${event.starts_on}T12:00:00Z`, "UTC"), to: longDate(`${event.ends_on}T12:00:00Z`, "UTC") })}
      </Paragraph>
      <Paragraph className="lw-window">
        {now < opens
          ? t("programme.opensAt", { at: dateTime(opens, event.time_zone) })
          : now <= closes
            ? t("programme.openUntil", { at: dateTime(closes, event.time_zone) })
            : t("programme.closed")}
        {event.max_enrolments_per_person != null && <> {t("programme.limit", { count: event.max_enrolments_per_person })}</>}
      </Paragraph>

      {event.allocation === "lottery" && !event.allocated_at && now <= closes && (
        <Alert type="info">
          <Paragraph>
            {tl("prefs.programmeNotice", { at: dateTime(closes, event.time_zone) })}{" "}
            <Link to={`/voorkeuren?week=${event.id}`}>{tl("prefs.nav")}</Link>
          </Paragraph>
        </Alert>
      )}

      <form role="search" aria-label={t("programme.filters")} className="lw-filters" onSubmit={(e) => e.preventDefault()}>
        <FormField className="lw-filters__search">
          <FormLabel htmlFor="f-q">{t("programme.search")}</FormLabel>
          <Textbox id="f-q" type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
        </FormField>
        <FormField>
          <FormLabel htmlFor="f-day">{t("programme.day")}</FormLabel>
          <Select id="f-day" value={filters.day ?? ""} onChange={(e) => set("dag", e.target.value || undefined)}>
            <SelectOption value="">{t("programme.allDays")}</SelectOption>
            {daysBetween(event.starts_on, event.ends_on).map((d) => (
              <SelectOption key={d} value={d}>{dayLabel(d)}</SelectOption>
            ))}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor="f-theme">{t("programme.theme")}</FormLabel>
          <Select id="f-theme" value={filters.theme ?? ""} onChange={(e) => set("thema", e.target.value || undefined)}>
            <SelectOption value="">{t("programme.allThemes")}</SelectOption>
            {(themes.data ?? []).map((th) => (
              <SelectOption key={th} value={th}>{th}</SelectOption>
            ))}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor="f-org">{t("programme.municipality")}</FormLabel>
          <Select id="f-org" value={filters.organisation_id ?? ""} onChange={(e) => set("gemeente", e.target.value || undefined)}>
            <SelectOption value="">{t("programme.allMunicipalities")}</SelectOption>
            {hosts.map(([id, name]) => (
              <SelectOption key={id} value={id}>{name}</SelectOption>
            ))}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor="f-format">{t("programme.format")}</FormLabel>
          <Select id="f-format" value={filters.format ?? ""} onChange={(e) => set("vorm", e.target.value || undefined)}>
            <SelectOption value="">{t("programme.allFormats")}</SelectOption>
            {FORMATS.map((f) => (
              <SelectOption key={f} value={f}>{t(`format.${f}`)}</SelectOption>
            ))}
          </Select>
        </FormField>
        {taught.length > 0 && (
          <FormField>
            <FormLabel htmlFor="f-skill">{t("programme.skill")}</FormLabel>
            <Select id="f-skill" value={filters.skill ?? ""} onChange={(e) => set("vaardigheid", e.target.value || undefined)}>
              <SelectOption value="">{t("programme.allSkills")}</SelectOption>
              {taught.map((sk) => (
                <SelectOption key={sk.id} value={sk.id}>{skillName(sk, i18n.language)}</SelectOption>
              ))}
            </Select>
          </FormField>
        )}
        <FormField type="checkbox" className="lw-filters__check">
          <Checkbox id="f-free" checked={!!filters.available} onChange={(e) => set("vrij", e.target.checked ? "1" : undefined)} />
          <FormLabel htmlFor="f-free" type="checkbox">{t("programme.onlyFree")}</FormLabel>
        </FormField>
      </form>

      <p role="status" aria-live="polite" className="lw-count">
        {programme.data && t("programme.count", { count: sessions.length })}
        {anyFilter && programme.data && (
          <>
            {" "}
            <button type="button" className="lw-linkbutton" onClick={() => { setSearch(""); setParams(new URLSearchParams(), { replace: true }); }}>
              {t("programme.clearFilters")}
            </button>
          </>
        )}
      </p>
      <ProblemAlert error={programme.error} />
      {programme.isPending && <Loading />}
      {programme.data && sessions.length === 0 && (
        <Empty>{anyFilter ? t("programme.noMatch") : t("programme.empty")}</Empty>
      )}
      {days.map(([day, items]) => (
        <section key={day} aria-labelledby={`day-${day}`} className="lw-day">
          <Heading2 id={`day-${day}`}>{dayLabel(day)}</Heading2>
          <ul className="lw-sessions">
            {items.map((s) => {
              const own = mine.get(s.session_id);
              return (
                <li key={s.session_id} className="lw-session">
                  <article aria-labelledby={`s-${s.session_id}`}>
                    <h3 id={`s-${s.session_id}`} className="utrecht-heading-3 lw-session__title">
                      <Link to={`/sessies/${s.session_id}`}>{s.title}</Link>
                    </h3>
                    <p className="lw-session__meta">
                      <span className="lw-session__time">{timeRange(s.starts_at, s.ends_at, event.time_zone)}</span>
                      {" · "}
                      {s.host_organisation_name}
                      {" · "}
                      {t(`format.${s.format}`, { defaultValue: s.format })}
                      {s.location.venue && <> · {s.location.venue}</>}
                    </p>
                    {s.skills.length > 0 && (
                      <p className="lw-session__skills">
                        {t("programme.skills")} {skillNames(s.skills, i18n.language)}
                      </p>
                    )}
                    <p className="lw-session__badges">
                      <span className="lw-badge lw-badge--theme">{s.theme}</span>{" "}
                      <SeatBadge seatsLeft={s.seats_left} waitlist={s.waitlist_length} />{" "}
                      {own && <MyStatusBadge status={own.status} position={own.waitlist_position} />}
                    </p>
                  </article>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </>
  );
}
