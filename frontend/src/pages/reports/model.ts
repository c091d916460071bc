// The reports' logic apart from React: number formatting the Dutch (or British) way, paging,
// the chart's data and the grouping of the sessions report.
import type { Schemas } from "../../api/client";

export type ParticipationRow = Schemas["ParticipationDto"];
export type PersonRow = Schemas["PersonWeekDto"];
export type ReachRow = Schemas["ReachDto"];
export type SessionRow = Schemas["SessionReportDto"];
export type MixRow = Schemas["MixDto"];

/** The reports, in the order of the tabs, with their slug in the address (`?rapport=`). */
export const REPORTS = [
  { kind: "participation", slug: "deelname" },
  { kind: "people", slug: "medewerkers" },
  { kind: "reach", slug: "bereik" },
  { kind: "sessions", slug: "sessies" },
  { kind: "mix", slug: "grenzen" },
  { kind: "assignments", slug: "klussenbank" },
] as const;
export type ReportKind = (typeof REPORTS)[number]["kind"];

export function reportFromSlug(slug: string | null): ReportKind {
  return REPORTS.find((r) => r.slug === slug)?.kind ?? "participation";
}

export function slugOf(kind: ReportKind): string {
  return REPORTS.find((r) => r.kind === kind)?.slug ?? "deelname";
}

/** Where a report is downloaded: the JSON endpoint with `?format=csv|xlsx` (every row). */
export function downloadUrl(eventId: string, kind: ReportKind, format: "csv" | "xlsx"): string {
  return `/api/v1/events/${encodeURIComponent(eventId)}/reports/${kind}?format=${format}`;
}

// ---- Numbers ----------------------------------------------------------------------------------

export function localeOf(language: string | undefined): string {
  return language === "en" ? "en-GB" : "nl-NL";
}

/** Shown where a figure does not exist (a share of nothing, an average of no answers). */
export const NONE = "–";

/** "1.634" (nl) or "1,634" (en). */
export function count(n: number, language?: string): string {
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: 0 }).format(n);
}

/** A share 0–1 as "42,5%" (nl) or "42.5%" (en); at most one decimal; none as "–". */
export function percent(share: number | null | undefined, language?: string): string {
  if (share == null || !Number.isFinite(share)) return NONE;
  return new Intl.NumberFormat(localeOf(language), { style: "percent", maximumFractionDigits: 1 }).format(share);
}

/** Hours with exactly one decimal: "12,5" (nl), "12.5" (en). */
export function hours(h: number, language?: string): string {
  return new Intl.NumberFormat(localeOf(language), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(h);
}

/** A mean rating 1–5 with one decimal, or "–" without answers. */
export function average(x: number | null | undefined, language?: string): string {
  if (x == null || !Number.isFinite(x)) return NONE;
  return hours(x, language);
}

/** `part / whole`, or null when the whole is nothing. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

// ---- Paging -----------------------------------------------------------------------------------

export const PER_PAGE = 50;

export interface PageInfo {
  page: number;
  pages: number;
  hasPrevious: boolean;
  hasNext: boolean;
  /** First and last row number shown (1-based; 0 and 0 when there are none). */
  from: number;
  to: number;
}

/** The page from the address: a whole number from 1, anything else is page 1. */
export function parsePage(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function pageInfo(total: number, page: number, perPage: number): PageInfo {
  const pages = Math.max(1, Math.ceil(total / Math.max(1, perPage)));
  const p = Math.min(Math.max(1, page), pages);
  const from = total === 0 ? 0 : (p - 1) * perPage + 1;
  const to = Math.min(total, p * perPage);
  return { page: p, pages, hasPrevious: p > 1, hasNext: p < pages, from, to };
}

// ---- Participation ----------------------------------------------------------------------------

export interface ParticipationGroup {
  organisation: ParticipationRow;
  units: ParticipationRow[];
}

/** The rows split into the week's total and each organisation with its units (in the server's order). */
export function splitParticipation(rows: ParticipationRow[]): { total?: ParticipationRow; groups: ParticipationGroup[] } {
  const total = rows.find((r) => r.level === "total");
  const groups: ParticipationGroup[] = [];
  const byOrg = new Map<string, ParticipationGroup>();
  for (const r of rows) {
    if (r.level !== "organisation") continue;
    const g = { organisation: r, units: [] };
    groups.push(g);
    byOrg.set(r.organisation_id ?? r.organisation, g);
  }
  for (const r of rows) {
    if (r.level !== "unit") continue;
    const key = r.organisation_id ?? r.organisation;
    let g = byOrg.get(key);
    if (!g) {
      // A unit without its organisation's row (should not happen): an organisation row of its own.
      g = { organisation: { ...r, level: "organisation", org_unit: "", org_unit_id: null }, units: [] };
      groups.push(g);
      byOrg.set(key, g);
    }
    g.units.push(r);
  }
  return { total, groups };
}

export interface ChartDatum {
  name: string;
  /** Percentages 0–100 (one decimal), for the bars. */
  enrolled: number;
  attended: number;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/**
 * One bar group per organisation when there are several (an admin), else per unit of the one
 * organisation (an organiser, a manager): the share of people enrolled and the share who attended.
 */
export function chartData(rows: ParticipationRow[]): { by: "organisation" | "unit"; data: ChartDatum[] } {
  const orgs = rows.filter((r) => r.level === "organisation");
  const by = orgs.length > 1 ? "organisation" : "unit";
  const chosen = by === "organisation" ? orgs : rows.filter((r) => r.level === "unit");
  return {
    by,
    data: chosen.map((r) => ({
      name: by === "organisation" ? r.organisation : r.org_unit,
      enrolled: r.enrolled_share != null ? Math.round(r.enrolled_share * 1000) / 10 : pct(r.enrolled, r.employees),
      attended: pct(r.attended, r.employees),
    })),
  };
}

// ---- Sessions ---------------------------------------------------------------------------------

export interface WorkshopGroup {
  /** The workshop's total row (`session_id` null); made up from the first session if missing. */
  total: SessionRow;
  sessions: SessionRow[];
}

/** The rows per workshop: its total, then its sessions by start. */
export function groupSessions(rows: SessionRow[]): WorkshopGroup[] {
  const groups: WorkshopGroup[] = [];
  const byId = new Map<string, WorkshopGroup>();
  for (const r of rows) {
    let g = byId.get(r.workshop_id);
    if (!g) {
      g = { total: r, sessions: [] };
      byId.set(r.workshop_id, g);
      groups.push(g);
      if (r.session_id == null) continue;
    }
    if (r.session_id == null) g.total = r;
    else g.sessions.push(r);
  }
  for (const g of groups) {
    g.sessions.sort((a, b) => (a.starts_at ?? "").localeCompare(b.starts_at ?? ""));
    // A workshop without a total row (the server sends one; just in case): add its sessions up.
    if (g.total.session_id != null) g.total = sumSessions(g.sessions);
  }
  return groups;
}

function sumSessions(sessions: SessionRow[]): SessionRow {
  const first = sessions[0]!;
  const sum = (f: (r: SessionRow) => number) => sessions.reduce((n, r) => n + f(r), 0);
  const capacity = sum((r) => r.capacity);
  const confirmed = sum((r) => r.confirmed);
  const attended = sum((r) => r.attended);
  const no_shows = sum((r) => r.no_shows);
  const feedback_count = sum((r) => r.feedback_count);
  const rated = sum((r) => (r.feedback_average ?? 0) * r.feedback_count);
  return {
    ...first,
    session_id: null,
    starts_at: null,
    status: "",
    capacity,
    confirmed,
    waiting: sum((r) => r.waiting),
    attended,
    no_shows,
    feedback_count,
    certificates: sum((r) => r.certificates),
    fill_rate: share(confirmed, capacity),
    attendance_rate: share(attended, confirmed),
    no_show_rate: share(no_shows, confirmed),
    feedback_average: feedback_count > 0 ? rated / feedback_count : null,
  };
}

/**
 * The turnout to show: none (a dash) while nothing is recorded for the seats yet (nobody marked
 * present or absent: a session still to come), rather than a misleading 0%.
 */
export function turnout(row: SessionRow): number | null {
  if (row.attended + row.no_shows === 0) return null;
  return row.attendance_rate ?? share(row.attended, row.confirmed);
}

// ---- Mix --------------------------------------------------------------------------------------

/** Whether the mix has anything to show: some attended session somewhere. */
export function mixHasData(rows: MixRow[]): boolean {
  return rows.some((r) => r.attended_sessions > 0);
}
