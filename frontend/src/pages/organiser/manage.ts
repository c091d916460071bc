// The organiser's extra controls as plain data: who may use them (the server decides; these only
// hide what would be refused), quota rows as a form and back, and which enrolments can be
// cancelled on someone's behalf.
import type { Schemas } from "../../api/client";
import { DEFAULT_ZONE, fromLocalInput, toLocalInput } from "../../format";
import { intOrNull, type EnrolmentItem, type EventDto, type QuotaForm, type SessionDto } from "./forms";

type Viewer = Pick<Schemas["MeDto"], "roles" | "organisation_id"> | null | undefined;

/** Organisers of the host and admins run a session's settings (trainer, quotas) and cancel for others. */
// may: replace with the session's `may` flags once the API sends them.
export function mayManageSession(me: Viewer, session: Pick<SessionDto, "host_organisation_id">): boolean {
  if (!me) return false;
  return me.roles.includes("admin") || (me.roles.includes("organiser") && me.organisation_id === session.host_organisation_id);
}

/** Organisers of a participating organisation and admins change a week (its organisations, its status). */
// may: replace with the event's `may` flags once the API sends them.
export function mayChangeEvent(me: Viewer, event: Pick<EventDto, "organisation_ids">): boolean {
  if (!me) return false;
  return me.roles.includes("admin") || (me.roles.includes("organiser") && event.organisation_ids.includes(me.organisation_id));
}

/** A seat or a place in the queue without recorded attendance can be cancelled (recorded attendance is history). */
export function cancellable(item: Pick<EnrolmentItem, "status" | "attendance">): boolean {
  return (item.status === "confirmed" || item.status === "waitlisted") && !item.attendance;
}

/** The session's quotas as form rows, times in the week's zone. */
export function quotaRowsOf(quotas: Pick<Schemas["QuotaDto"], "organisation_id" | "seats" | "release_at">[], zone = DEFAULT_ZONE): QuotaForm[] {
  return quotas.map((q) => ({ organisation_id: q.organisation_id, seats: String(q.seats), release_at: toLocalInput(q.release_at, zone) }));
}

/**
 * The rows as the PATCH's `quotas` (replacing all; no rows removes every quota). A row not
 * filled in wholly is reported by index (0-based) and nothing is sent: an unwanted row is removed
 * with its own button, never dropped silently.
 */
export function quotasBody(rows: QuotaForm[], zone = DEFAULT_ZONE): { quotas: Schemas["QuotaInput"][] } | { incomplete: number[] } {
  const incomplete = rows.map((r, i) => ({ r, i })).filter(({ r }) => !r.organisation_id || !r.seats.trim() || !r.release_at).map(({ i }) => i);
  if (incomplete.length > 0) return { incomplete };
  return {
    quotas: rows.map((r) => ({
      organisation_id: r.organisation_id,
      seats: intOrNull(r.seats) ?? Number.NaN,
      release_at: fromLocalInput(r.release_at, zone),
    })),
  };
}

/** The server names a quota row's field by its place (`quotas[1].seats`): the form's `1.seats`. */
export function quotaErrorsByRow(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = k.match(/^quotas\[(\d+)\]\.(\w+)$/);
    out[m ? `${m[1]}.${m[2]}` : k] = v;
  }
  return out;
}
