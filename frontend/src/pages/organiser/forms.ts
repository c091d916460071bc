// The organiser's forms as plain data: what the fields hold (strings, as inputs do), how a
// form becomes a request body, and which fields changed (a PATCH carries only those).
import { ApiProblem, type Schemas } from "../../api/client";
import { DEFAULT_ZONE, fromLocalInput, toLocalInput } from "../../format";

export type EventDto = Schemas["EventDto"];
export type WorkshopDto = Schemas["WorkshopDto"];
export type SessionDto = Schemas["SessionDto"];
export type EnrolmentItem = Schemas["AgendaItemDto"];
export type ProgrammeItem = Schemas["ProgrammeItemDto"];

/** The keys whose values differ; arrays compare as sets (order does not matter). */
export function changedKeys<T extends object>(before: T, after: T): (keyof T)[] {
  return (Object.keys(after) as (keyof T)[]).filter((k) => !same(before[k], after[k]));
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].map(String).sort().join("\u0000") === [...b].map(String).sort().join("\u0000");
  }
  return a === b;
}

/** A whole number from an input, or null when empty. NaN when it is not a number. */
export function intOrNull(value: string): number | null {
  const v = value.trim();
  if (v === "") return null;
  return /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
}

function trimmedOrNull(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

// ---------------------------------------------------------------------------------- events

export interface EventForm {
  name: string;
  starts_on: string;
  ends_on: string;
  enrolment_opens_at: string;
  enrolment_closes_at: string;
  cancellation_deadline_hours: string;
  max_enrolments_per_person: string;
  organisation_ids: string[];
  no_show_policy: string;
  allocation: string;
  max_preferences: string;
  approval: string;
  approval_hours: string;
}

export function emptyEventForm(ownOrganisation?: string | null): EventForm {
  return {
    name: "",
    starts_on: "",
    ends_on: "",
    enrolment_opens_at: "",
    enrolment_closes_at: "",
    cancellation_deadline_hours: "24",
    max_enrolments_per_person: "",
    organisation_ids: ownOrganisation ? [ownOrganisation] : [],
    no_show_policy: "automatic",
    allocation: "first_come",
    max_preferences: "5",
    approval: "none",
    approval_hours: "72",
  };
}

export function eventFormOf(e: EventDto): EventForm {
  const zone = e.time_zone || DEFAULT_ZONE;
  return {
    name: e.name,
    starts_on: e.starts_on,
    ends_on: e.ends_on,
    enrolment_opens_at: toLocalInput(e.enrolment_opens_at, zone),
    enrolment_closes_at: toLocalInput(e.enrolment_closes_at, zone),
    cancellation_deadline_hours: String(e.cancellation_deadline_hours),
    max_enrolments_per_person: e.max_enrolments_per_person == null ? "" : String(e.max_enrolments_per_person),
    organisation_ids: [...e.organisation_ids],
    no_show_policy: e.no_show_policy,
    allocation: e.allocation,
    max_preferences: String(e.max_preferences),
    approval: e.approval,
    approval_hours: String(e.approval_hours),
  };
}

/** One field of the form as the API wants it. */
function eventValue(f: EventForm, key: keyof EventForm, zone: string): unknown {
  switch (key) {
    case "enrolment_opens_at":
    case "enrolment_closes_at":
      return f[key] ? fromLocalInput(f[key], zone) : "";
    case "cancellation_deadline_hours":
      return intOrNull(f[key]) ?? 24;
    case "max_enrolments_per_person":
      return intOrNull(f[key]);
    case "max_preferences":
      return intOrNull(f[key]) ?? 5;
    case "approval_hours":
      return intOrNull(f[key]) ?? 72;
    case "name":
      return f.name.trim();
    default:
      return f[key];
  }
}

export function newEventBody(f: EventForm, zone = DEFAULT_ZONE): Schemas["NewEventDto"] {
  const body = Object.fromEntries(
    (Object.keys(f) as (keyof EventForm)[]).map((k) => [k, eventValue(f, k, zone)]),
  ) as Schemas["NewEventDto"];
  if (body.max_enrolments_per_person == null) delete body.max_enrolments_per_person;
  return body;
}

/** Only the fields that changed; an emptied per-person limit is sent as null (no limit). */
export function eventPatch(before: EventForm, after: EventForm, zone = DEFAULT_ZONE): Schemas["EventPatchDto"] {
  return Object.fromEntries(changedKeys(before, after).map((k) => [k, eventValue(after, k, zone)])) as Schemas["EventPatchDto"];
}

/** The weeks someone may manage, as the API says (change it, or host workshops in it), newest first. */
export function manageable(events: EventDto[]): EventDto[] {
  return events
    .filter((e) => e.may.edit || e.may.manage_workshops_of.length > 0)
    .sort((a, b) => b.starts_on.localeCompare(a.starts_on));
}

// ------------------------------------------------------------------------------- workshops

export interface WorkshopGroup {
  workshop_id: string;
  title: string;
  host: string;
  host_organisation_id: string;
  sessions: ProgrammeItem[];
}

/** The programme's sessions grouped by workshop, workshops by title. */
export function groupByWorkshop(items: ProgrammeItem[]): WorkshopGroup[] {
  const groups = new Map<string, WorkshopGroup>();
  for (const s of items) {
    const g = groups.get(s.workshop_id) ?? {
      workshop_id: s.workshop_id, title: s.title, host: s.host_organisation_name, host_organisation_id: s.host_organisation_id, sessions: [],
    };
    g.sessions.push(s);
    groups.set(s.workshop_id, g);
  }
  for (const g of groups.values()) g.sessions.sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  return [...groups.values()].sort((a, b) => a.title.localeCompare(b.title, "nl"));
}


export interface WorkshopForm {
  title: string;
  description: string;
  theme: string;
  host_organisation_id: string;
  format: string;
  language: string;
  trainer: string;
  audience: string;
  audience_organisation_ids: string[];
  /** `none` or `manager`; empty: as the week. */
  approval: string;
  /** Ids of the skills it teaches (at most 12). */
  skills: string[];
}

export function emptyWorkshopForm(host = ""): WorkshopForm {
  return {
    title: "",
    description: "",
    theme: "",
    host_organisation_id: host,
    format: "on_site",
    language: "nl",
    trainer: "",
    audience: "all",
    audience_organisation_ids: [],
    approval: "",
    skills: [],
  };
}

export function workshopFormOf(w: WorkshopDto): WorkshopForm {
  return {
    title: w.title,
    description: w.description,
    theme: w.theme,
    host_organisation_id: w.host_organisation_id,
    format: w.format,
    language: w.language,
    trainer: w.trainer ?? "",
    audience: w.audience,
    audience_organisation_ids: [...w.audience_organisation_ids],
    approval: w.approval ?? "",
    skills: w.skills.map((s) => s.id),
  };
}

export function newWorkshopBody(f: WorkshopForm): Schemas["NewWorkshopDto"] {
  return {
    title: f.title.trim(),
    description: f.description.trim(),
    theme: f.theme.trim().toLowerCase(),
    host_organisation_id: f.host_organisation_id,
    format: f.format,
    language: f.language,
    trainer: trimmedOrNull(f.trainer),
    audience: f.audience,
    audience_organisation_ids: f.audience === "listed" ? f.audience_organisation_ids : null,
    approval: f.approval || null,
    skills: f.skills,
  };
}

/**
 * Changed fields (the host cannot change). A changed list of organisations goes with its
 * audience; skills go (the whole list) only when the set changed.
 */
export function workshopPatch(before: WorkshopForm, after: WorkshopForm): Schemas["WorkshopPatchDto"] {
  const full = newWorkshopBody(after);
  const keys = changedKeys(before, after).filter((k) => k !== "host_organisation_id");
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = full[k];
  if ("audience_organisation_ids" in out || ("audience" in out && after.audience === "listed")) {
    out.audience = after.audience;
    out.audience_organisation_ids = after.audience === "listed" ? after.audience_organisation_ids : null;
  }
  if (out.audience_organisation_ids === null) delete out.audience_organisation_ids;
  return out as Schemas["WorkshopPatchDto"];
}

// -------------------------------------------------------------------------------- sessions

export interface QuotaForm {
  organisation_id: string;
  seats: string;
  release_at: string;
}

export interface SessionForm {
  starts_at: string;
  ends_at: string;
  capacity: string;
  venue: string;
  room: string;
  address: string;
  online_url: string;
  quotas: QuotaForm[];
}

export function emptySessionForm(): SessionForm {
  return { starts_at: "", ends_at: "", capacity: "20", venue: "", room: "", address: "", online_url: "", quotas: [] };
}

/** Does a workshop of this format take place somewhere, online, or both? */
export function needsPlace(format: string): boolean {
  return format !== "online";
}
export function needsLink(format: string): boolean {
  return format === "online" || format === "hybrid";
}

export function newSessionBody(f: SessionForm, format: string, zone = DEFAULT_ZONE): Schemas["NewSessionDto"] {
  const body: Schemas["NewSessionDto"] = {
    starts_at: f.starts_at ? fromLocalInput(f.starts_at, zone) : "",
    ends_at: f.ends_at ? fromLocalInput(f.ends_at, zone) : "",
    capacity: intOrNull(f.capacity) ?? Number.NaN,
  };
  if (needsPlace(format)) {
    body.location = { venue: trimmedOrNull(f.venue), room: trimmedOrNull(f.room), address: trimmedOrNull(f.address) };
  }
  if (needsLink(format)) body.online_url = trimmedOrNull(f.online_url);
  const quotas = f.quotas.filter((q) => q.organisation_id);
  if (quotas.length > 0) {
    body.quotas = quotas.map((q) => ({
      organisation_id: q.organisation_id,
      seats: intOrNull(q.seats) ?? 0,
      release_at: q.release_at ? fromLocalInput(q.release_at, zone) : "",
    }));
  }
  return body;
}

/** A move: only the ends of the session that changed. */
export function movePatch(
  s: Pick<SessionDto, "starts_at" | "ends_at">,
  starts: string,
  ends: string,
  zone = DEFAULT_ZONE,
): Schemas["SessionPatchDto"] {
  const out: Schemas["SessionPatchDto"] = {};
  if (starts && starts !== toLocalInput(s.starts_at, zone)) out.starts_at = fromLocalInput(starts, zone);
  if (ends && ends !== toLocalInput(s.ends_at, zone)) out.ends_at = fromLocalInput(ends, zone);
  return out;
}

// ------------------------------------------------------------------------------- check-in

/** Lower case, without accents (é → e, ı → i), for searching names the way people type them. */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/ı/g, "i")
    .replace(/ø/g, "o")
    .replace(/ß/g, "ss")
    .toLowerCase();
}

/** The confirmed participants whose name (or e-mail) contains every word of the query, by name. */
export function filterParticipants<T extends Pick<EnrolmentItem, "status" | "person_name" | "person_email">>(
  items: T[],
  query: string,
): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return items
    .filter((i) => i.status === "confirmed")
    .filter((i) => {
      const hay = fold(`${i.person_name ?? ""} ${i.person_email ?? ""}`);
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => (a.person_name ?? "").localeCompare(b.person_name ?? "", "nl"));
}

export function presentCount(items: Pick<EnrolmentItem, "status" | "attendance">[]): { present: number; total: number } {
  const confirmed = items.filter((i) => i.status === "confirmed");
  return { present: confirmed.filter((i) => i.attendance === "present").length, total: confirmed.length };
}

// --------------------------------------------------------------------------------- errors

/** The server's word per field: `field` of the problem and each of `errors`. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiProblem)) return {};
  const out: Record<string, string> = {};
  for (const e of error.errors) out[e.field] = e.detail;
  if (error.field && !out[error.field]) out[error.field] = error.detail;
  return out;
}

/** The keys whose value is empty (blank text, no choice, empty list): the order is the form's. */
export function missingFields<T extends object>(values: T, required: (keyof T)[]): (keyof T)[] {
  return required.filter((k) => {
    const v = values[k];
    return Array.isArray(v) ? v.length === 0 : typeof v === "string" ? v.trim() === "" : v == null;
  });
}

export const EVENT_REQUIRED: (keyof EventForm)[] = ["name", "starts_on", "ends_on", "enrolment_opens_at", "enrolment_closes_at", "organisation_ids"];
export const WORKSHOP_REQUIRED: (keyof WorkshopForm)[] = ["title", "description", "theme", "host_organisation_id"];
export function sessionRequired(format: string): (keyof SessionForm)[] {
  return [
    "starts_at", "ends_at", "capacity",
    ...(needsPlace(format) ? (["venue"] as const) : []),
    ...(needsLink(format) ? (["online_url"] as const) : []),
  ];
}

/** Move the focus to the first field named (its element id is `${prefix}-${key}`). */
export function focusFirst(prefix: string, keys: readonly PropertyKey[]): void {
  const k = keys[0];
  if (k === undefined) return;
  const el =
    document.getElementById(`${prefix}-${String(k)}`) ??
    document.querySelector<HTMLElement>(`[data-field="${prefix}-${String(k)}"] input`);
  el?.focus();
}
