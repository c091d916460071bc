// The organiser's extra controls as plain data: quota rows as a form and back, and which
// enrolments can be cancelled on someone's behalf. Who may use them comes from the API's `may`
// flags on the week and the session.
import type { Schemas } from "../../api/client";
import { DEFAULT_ZONE, fromLocalInput, toLocalInput } from "../../format";
import { intOrNull, type EnrolmentItem, type QuotaForm } from "./forms";

/** A seat or a place in the queue without recorded attendance can be cancelled (recorded attendance is history). */
export function cancellable(item: Pick<EnrolmentItem, "status" | "attendance">): boolean {
  return (item.status === "confirmed" || item.status === "pending_approval" || item.status === "waitlisted") && !item.attendance;
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
