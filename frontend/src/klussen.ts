// The Klussenbank as plain data: a fit and a period in words, the states of a klus, a response
// and a consent in words, the poster's form and its request body, the list's filters in the
// address. Plain functions, tested in klussen.test.ts; the pages only render what they return.
import type {
  AskedSkill,
  Assignment,
  AssignmentInput,
  AssignmentPatch,
  AssignmentQuery,
  AssignmentState,
  Fit,
  FitPart,
  Place,
  Reach,
  SavedSearch,
  SelectionBrief,
} from "./api/klussen";
import { changedKeys, intOrNull } from "./pages/organiser/forms";

export type T = (key: string, options?: Record<string, unknown>) => string;

/** Most skills a klus asks for, most people, most hours a week, longest texts (the server's limits). */
export const MAX_SKILLS = 12;
export const MAX_PLACES = 20;
export const MAX_HOURS = 40;
export const MAX_TITLE = 120;
export const MAX_DESCRIPTION = 5000;
export const MAX_LOCATION = 200;
export const MAX_MOTIVATION = 2000;
export const MAX_REASON = 500;
export const PER_PAGE = 20;

export const PLACES: Place[] = ["on_site", "remote", "hybrid"];
export const REACHES: Reach[] = ["own", "partners", "all"];

// ---- Dates and hours ---------------------------------------------------------------------------

const localeOf = (language?: string) => (language === "en" ? "en-GB" : "nl-NL");

/** A `YYYY-MM-DD` day as "1 maart 2027" ("1 March 2027"). */
export function day(d: string, language?: string): string {
  return new Intl.DateTimeFormat(localeOf(language), { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(
    new Date(`${d.slice(0, 10)}T12:00:00Z`),
  );
}

/** "1 maart 2027 tot en met 30 april 2027", or "in overleg" without a period. */
export function periodText(p: { starts_on?: string | null; ends_on?: string | null }, t: T, language?: string): string {
  if (!p.starts_on || !p.ends_on) return t("period.agreed");
  if (p.starts_on === p.ends_on) return t("period.oneDay", { day: day(p.starts_on, language) });
  return t("period.range", { from: day(p.starts_on, language), to: day(p.ends_on, language) });
}

/** "8 uur per week" and, with a known period, "(64 uur in totaal)". */
export function hoursText(a: { hours_per_week: number; total_hours?: number | null }, t: T): string {
  const week = t("hours.perWeek", { count: a.hours_per_week });
  return a.total_hours != null ? `${week} ${t("hours.total", { count: a.total_hours })}` : week;
}

/** Today as `YYYY-MM-DD` in Amsterdam. */
export function today(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(now);
}

/** Days from `from` to the closing date (negative once passed). */
export function daysLeft(closesOn: string, from = today()): number {
  return Math.round((Date.parse(`${closesOn}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

/** "Reageren kan tot en met 15 maart 2027" with "(nog 3 dagen)", "(vandaag de laatste dag)" or "gesloten". */
export function closingText(closesOn: string, t: T, language?: string, from = today()): string {
  const left = daysLeft(closesOn, from);
  if (left < 0) return t("closing.passed", { day: day(closesOn, language) });
  const when = t("closing.until", { day: day(closesOn, language) });
  return left === 0 ? `${when} ${t("closing.today")}` : `${when} ${t("closing.left", { count: left })}`;
}

// ---- Fit -----------------------------------------------------------------------------------------

export interface FitGroups {
  has: FitPart[];
  wants: FitPart[];
  missing: FitPart[];
}

/** The parts by standing, required ones first within each group (then the klus's order). */
export function fitGroups(fit: Pick<Fit, "parts">): FitGroups {
  const sorted = [...fit.parts].sort((a, b) => Number(b.required) - Number(a.required));
  return {
    has: sorted.filter((p) => p.standing === "has"),
    wants: sorted.filter((p) => p.standing === "wants"),
    missing: sorted.filter((p) => p.standing === "missing"),
  };
}

/** A skill's name in the reader's language (English when there is one and the page is English). */
export function needName(s: { name: string; name_en?: string | null }, language?: string): string {
  return language === "en" && s.name_en ? s.name_en : s.name;
}

/** "Presenteren (vereist), Excel" — names, with the required ones said in words. */
export function partNames(parts: Pick<FitPart, "name" | "name_en" | "required">[], t: T, language?: string): string {
  return parts.map((p) => (p.required ? t("fit.requiredName", { name: needName(p, language) }) : needName(p, language))).join(", ");
}

export type Person = "me" | "them";

/**
 * The fit in sentences that stand without colour: a headline ("Je past voor 75%: je hebt 2 van
 * de 3 vereiste vaardigheden") and one line per group that is not empty. `person` says whether
 * the reader is the candidate ("je hebt") or the poster reading about them ("heeft").
 */
export function fitText(fit: Fit | null | undefined, t: T, person: Person = "me", language?: string): { headline: string; lines: { kind: keyof FitGroups; text: string }[] } {
  if (!fit || fit.parts.length === 0) return { headline: t("fit.noSkills"), lines: [] };
  const g = fitGroups(fit);
  const required = fit.required_asked > 0
    ? t(`fit.${person}.required`, { had: fit.required_had, count: fit.required_asked })
    : t(`fit.${person}.noneRequired`);
  const headline = t(`fit.${person}.headline`, { percent: fit.percent, required });
  const lines = (["has", "wants", "missing"] as const)
    .filter((k) => g[k].length > 0)
    .map((k) => ({ kind: k, text: t(`fit.${person}.${k}`, { names: partNames(g[k], t, language) }) }));
  return { headline, lines };
}

// ---- States in words -----------------------------------------------------------------------------

/** What the poster may move a klus to from `state` (the server's life cycle; filled also happens by itself). */
export function nextStates(state: string): AssignmentState[] {
  switch (state) {
    case "draft":
      return ["open", "closed"];
    case "open":
      return ["closed", "filled"];
    case "closed":
      return ["open", "filled", "done"];
    case "filled":
      return ["open", "done"];
    default:
      return [];
  }
}

/** Whether a candidate may still withdraw (not once declined, withdrawn or final; not when done). */
export function mayWithdraw(state: string, selection: Pick<SelectionBrief, "state"> | null | undefined, assignment?: string): boolean {
  if (assignment === "done") return false;
  if (!["submitted", "invited", "selected"].includes(state)) return false;
  return selection?.state !== "approved";
}

/**
 * A response's state as one key of the texts: the response's own, or for a selection the
 * consent's (`selected.pending`, `selected.approved`, …).
 */
export function responseKey(state: string, selection?: Pick<SelectionBrief, "state"> | null): string {
  if (state === "selected" && selection) return `response.selected_${selection.state}`;
  return `response.${state}`;
}

/** The consent of a selection in a sentence: waiting until …, given on …, refused (with the reason), lapsed. */
export function consentText(s: SelectionBrief, t: T, format: (iso: string) => string): string {
  switch (s.state) {
    case "pending":
      return t("consent.pending", { due: format(s.due_at) });
    case "approved":
      return s.decided_at ? t("consent.approvedOn", { at: format(s.decided_at) }) : t("consent.approved");
    case "declined":
      return s.reason ? t("consent.declinedReason", { reason: s.reason }) : t("consent.declined");
    case "lapsed":
      return t("consent.lapsed", { due: format(s.due_at) });
    case "withdrawn":
      return t("consent.withdrawn");
    default:
      return s.state;
  }
}

/** "2 van 3 plaatsen bezet, 1 wacht op instemming". */
export function placesText(a: { places: number; taken: number; pending?: number }, t: T): string {
  const taken = t("places.taken", { taken: a.taken, count: a.places });
  const pending = pendingText(a.pending, t);
  return pending ? `${taken}, ${pending}` : taken;
}

/** "1 wacht op instemming", "2 wachten op instemming"; nothing while none waits. */
export function pendingText(pending: number | null | undefined, t: T): string | null {
  return pending && pending > 0 ? t("places.pending", { count: pending }) : null;
}

// ---- The poster's form -----------------------------------------------------------------------

export interface AssignmentForm {
  title: string;
  description: string;
  org_unit_id: string;
  contact_person_id: string;
  hours_per_week: string;
  /** No period: "in overleg". */
  agreed: boolean;
  starts_on: string;
  ends_on: string;
  place: Place;
  location: string;
  /** The skills asked, in order, each required or nice to have. */
  skills: { skill_id: string; required: boolean }[];
  places: string;
  reach: Reach;
  partners: string[];
  closes_on: string;
}

export function emptyForm(me: { id: string; org_unit_id?: string | null }): AssignmentForm {
  return {
    title: "",
    description: "",
    org_unit_id: me.org_unit_id ?? "",
    contact_person_id: me.id,
    hours_per_week: "",
    agreed: false,
    starts_on: "",
    ends_on: "",
    place: "on_site",
    location: "",
    skills: [],
    places: "1",
    reach: "own",
    partners: [],
    closes_on: "",
  };
}

/** `value` when it is one of `words`, else `fallback` (the server sends its vocabularies as strings). */
export function oneOf<W extends string>(words: readonly W[], value: string | null | undefined, fallback: W): W {
  return words.includes(value as W) ? (value as W) : fallback;
}

export function formOf(a: Assignment): AssignmentForm {
  return {
    title: a.title,
    description: a.description ?? "",
    org_unit_id: a.org_unit_id ?? "",
    contact_person_id: a.contact?.id ?? "",
    hours_per_week: String(a.hours_per_week),
    agreed: !a.starts_on,
    starts_on: a.starts_on ?? "",
    ends_on: a.ends_on ?? "",
    place: oneOf(PLACES, a.place, "on_site"),
    location: a.location ?? "",
    skills: a.skills.map((s) => ({ skill_id: s.skill_id, required: s.required })),
    places: String(a.places),
    reach: oneOf(REACHES, a.reach, "own"),
    partners: a.partners.map((p) => p.id),
    closes_on: a.closes_on,
  };
}

/** Tick a skill (nice to have at first) or untick it; at most [`MAX_SKILLS`]. */
export function toggleSkill(skills: AssignmentForm["skills"], ids: string[]): AssignmentForm["skills"] {
  const kept = skills.filter((s) => ids.includes(s.skill_id));
  const added = ids.filter((id) => !skills.some((s) => s.skill_id === id)).map((skill_id) => ({ skill_id, required: false }));
  return [...kept, ...added].slice(0, MAX_SKILLS);
}

const textOrNull = (v: string) => (v.trim() === "" ? null : v.trim());
/** A number field as the API wants it: a whole number, or the text typed when it is none (the server says why). */
const numberValue = (v: string): number | null => {
  const n = intOrNull(v);
  return n === null || Number.isNaN(n) ? null : n;
};

function value(f: AssignmentForm, key: keyof AssignmentForm): [string, unknown][] {
  switch (key) {
    case "title":
      return [["title", f.title.trim()]];
    case "description":
      return [["description", f.description.trim()]];
    case "org_unit_id":
      return [["org_unit_id", f.org_unit_id || null]];
    case "contact_person_id":
      return [["contact_person_id", f.contact_person_id || null]];
    case "hours_per_week":
      return [["hours_per_week", numberValue(f.hours_per_week)]];
    case "places":
      return [["places", numberValue(f.places)]];
    case "agreed":
    case "starts_on":
    case "ends_on":
      return [
        ["starts_on", f.agreed ? null : f.starts_on || null],
        ["ends_on", f.agreed ? null : f.ends_on || null],
      ];
    case "place":
      return [["place", f.place]];
    case "location":
      return [["location", f.place === "remote" ? null : textOrNull(f.location)]];
    case "skills":
      return [["skills", f.skills.map((s) => ({ skill_id: s.skill_id, required: s.required }))]];
    case "reach":
    case "partners":
      return [
        ["reach", f.reach],
        ["partners", f.reach === "partners" ? [...f.partners] : []],
      ];
    case "closes_on":
      return [["closes_on", f.closes_on || null]];
  }
}

/** The body of `POST /assignments`: a draft or published at once. */
export function assignmentBody(f: AssignmentForm, organisationId: string, state: "draft" | "open"): AssignmentInput {
  const entries = (Object.keys(f) as (keyof AssignmentForm)[]).flatMap((k) => value(f, k));
  return { ...(Object.fromEntries(entries) as unknown as AssignmentInput), organisation_id: organisationId, state };
}

/** Only what changed, for `PATCH /assignments/{id}` (a period and a reach go with their partner field). */
export function assignmentPatch(before: AssignmentForm, after: AssignmentForm): AssignmentPatch {
  // The skills are objects (order and required-ness count); everything else compares as values.
  const keys: (keyof AssignmentForm)[] = changedKeys(before, after).filter((k) => k !== "skills");
  if (skillsChanged(before.skills, after.skills)) keys.push("skills");
  return Object.fromEntries(keys.flatMap((k) => value(after, k))) as AssignmentPatch;
}

function skillsChanged(a: AssignmentForm["skills"], b: AssignmentForm["skills"]): boolean {
  const key = (l: AssignmentForm["skills"]) => l.map((s) => `${s.skill_id}:${s.required ? 1 : 0}`).join(",");
  return key(a) !== key(b);
}

/** The fields to fill before sending (ids `${prefix}-${key}`), in the form's order. */
export function missing(f: AssignmentForm): (keyof AssignmentForm)[] {
  const out: (keyof AssignmentForm)[] = [];
  if (!f.title.trim()) out.push("title");
  if (!f.hours_per_week.trim()) out.push("hours_per_week");
  if (!f.agreed && !f.starts_on) out.push("starts_on");
  if (!f.agreed && !f.ends_on) out.push("ends_on");
  if (!f.places.trim()) out.push("places");
  if (f.reach === "partners" && f.partners.length === 0) out.push("partners");
  if (!f.closes_on) out.push("closes_on");
  return out;
}

/** The server's field names to the form's: `skills[2].skill_id` → `skills`, `partners[0]` → `partners`. */
export function formField(serverField: string): string {
  return serverField.replace(/\[.*$/, "").replace(/\..*$/, "");
}

// ---- The list's filters in the address -----------------------------------------------------------

export interface ListFilters {
  q: string;
  skill: string;
  place: string;
  organisation_id: string;
  min_hours: string;
  max_hours: string;
  starts_from: string;
  ends_by: string;
}

/** Filter → its Dutch name in the address (`?zoek=…&vaardigheid=…`), so a list can be shared. */
export const FILTER_PARAMS: Record<keyof ListFilters, string> = {
  q: "zoek",
  skill: "vaardigheid",
  place: "plek",
  organisation_id: "organisatie",
  min_hours: "min-uren",
  max_hours: "max-uren",
  starts_from: "vanaf",
  ends_by: "tot",
};

export function filtersOf(params: URLSearchParams): ListFilters {
  return Object.fromEntries(
    (Object.keys(FILTER_PARAMS) as (keyof ListFilters)[]).map((k) => [k, params.get(FILTER_PARAMS[k]) ?? ""]),
  ) as unknown as ListFilters;
}

export function anyFilter(f: ListFilters): boolean {
  return Object.values(f).some((v) => v !== "");
}

/** The query of `GET /assignments` for these filters and page (empty ones left out). */
export function listQuery(f: ListFilters, page: number, extra: Partial<AssignmentQuery> = {}): AssignmentQuery {
  const q: AssignmentQuery = { page, per_page: PER_PAGE, ...extra };
  if (f.q.trim()) q.q = f.q.trim();
  if (f.skill) q.skill = f.skill;
  if (PLACES.includes(f.place as Place)) q.place = f.place as Place;
  if (f.organisation_id) q.organisation_id = f.organisation_id;
  // The server takes 1–40 only: anything else filters nothing (rather than failing the list).
  const hours = (v: string) => {
    const n = numberValue(v);
    return n !== null && n >= 1 && n <= MAX_HOURS ? n : null;
  };
  const min = hours(f.min_hours);
  const max = hours(f.max_hours);
  if (min !== null) q.min_hours = min;
  if (max !== null) q.max_hours = max;
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.starts_from)) q.starts_from = f.starts_from;
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.ends_by)) q.ends_by = f.ends_by;
  return q;
}

/** The skills of a klus for a card: required ones first. */
export function askedSorted(skills: AskedSkill[]): AskedSkill[] {
  return [...skills].sort((a, b) => Number(b.required) - Number(a.required));
}

// ---- Anchors ---------------------------------------------------------------------------------

/** The element a mail links to on "Mijn ontwikkeling": `#klus-{selection_id}`. */
export function klusAnchor(selectionId: string): string {
  return `klus-${selectionId}`;
}

/** The selection a location hash points at (`#klus-…`), or null. */
export function anchoredSelection(hash: string): string | null {
  const m = /^#?klus-([0-9a-fA-F-]{36})$/.exec(hash.trim());
  return m ? m[1]!.toLowerCase() : null;
}

// ---- A fit with the skills one says one brings -------------------------------------------------

/** Points per part (the server's table): required and had 4, nice to have and had 2, wanted 1. */
export function partPoints(required: boolean, standing: FitPart["standing"]): number {
  if (standing === "has") return required ? 4 : 2;
  return standing === "wants" ? 1 : 0;
}

/** The fit as it will be when the skills `brought` count as had (what the response adds). */
export function fitWith(fit: Fit, brought: string[]): Fit {
  const parts = fit.parts.map((p) => {
    const standing = brought.includes(p.skill_id) ? "has" : p.standing;
    return { ...p, standing, points: partPoints(p.required, standing) };
  });
  const points = parts.reduce((n, p) => n + p.points, 0);
  const max = parts.reduce((n, p) => n + partPoints(p.required, "has"), 0);
  return {
    ...fit,
    parts,
    points,
    max,
    percent: max === 0 ? 0 : Math.min(100, Math.floor((points * 100 + Math.floor(max / 2)) / max)),
    required_had: parts.filter((p) => p.required && p.standing === "has").length,
    required_asked: parts.filter((p) => p.required).length,
    growth: parts.filter((p) => p.standing === "wants").length,
  };
}

// ---- The poster's choices --------------------------------------------------------------------

export type Choice = "invite" | "select" | "decline";

/** Whether the poster may make `choice` on a response now (the server's rule, to offer only what works). */
export function mayChoose(
  choice: Choice,
  a: { state: string; places: number; taken: number; pending?: number },
  r: { state: string; selection?: Pick<SelectionBrief, "state"> | null },
): boolean {
  if (!["open", "closed", "filled"].includes(a.state)) return false;
  const ended = r.state === "selected" && !!r.selection && ["declined", "lapsed", "withdrawn"].includes(r.selection.state);
  const early = r.state === "submitted" || r.state === "invited";
  switch (choice) {
    case "invite":
      return r.state === "submitted";
    case "select":
      return (early || ended) && a.state !== "filled" && a.taken + (a.pending ?? 0) < a.places;
    case "decline":
      return early || ended;
  }
}

// ---- The saved search ------------------------------------------------------------------------

export interface SearchFields {
  q: string;
  skills: string[];
  place: string;
  organisation_id: string;
  min_hours: string;
  max_hours: string;
}

export const fieldsOf = (s: SavedSearch | null | undefined): SearchFields => ({
  q: s?.q ?? "",
  skills: s?.skills ?? [],
  place: s?.place ?? "",
  organisation_id: s?.organisation_id ?? "",
  min_hours: s?.min_hours != null ? String(s.min_hours) : "",
  max_hours: s?.max_hours != null ? String(s.max_hours) : "",
});

/** The saved search as the API wants it: null when nothing is filled in. */
export function searchOf(f: SearchFields): SavedSearch | null {
  const num = (v: string) => {
    const n = intOrNull(v);
    return n === null || Number.isNaN(n) ? null : n;
  };
  const s: SavedSearch = {
    q: f.q.trim() || null,
    skills: f.skills,
    place: (PLACES as string[]).includes(f.place) ? (f.place as Place) : null,
    organisation_id: f.organisation_id || null,
    min_hours: num(f.min_hours),
    max_hours: num(f.max_hours),
  };
  const { skills = [], ...rest } = s;
  return skills.length > 0 || Object.values(rest).some((v) => v !== null) ? s : null;
}

/** The list's address for a saved search (its skills: the first only, as the list filters on one). */
export function searchLink(s: SavedSearch | null): string {
  if (!s) return "/klussen";
  const p = new URLSearchParams();
  if (s.q) p.set(FILTER_PARAMS.q, s.q);
  if (s.skills?.[0]) p.set(FILTER_PARAMS.skill, s.skills[0]);
  if (s.place) p.set(FILTER_PARAMS.place, s.place);
  if (s.organisation_id) p.set(FILTER_PARAMS.organisation_id, s.organisation_id);
  if (s.min_hours != null) p.set(FILTER_PARAMS.min_hours, String(s.min_hours));
  if (s.max_hours != null) p.set(FILTER_PARAMS.max_hours, String(s.max_hours));
  const qs = p.toString();
  return qs ? `/klussen?${qs}` : "/klussen";
}
