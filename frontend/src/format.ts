// Dates and times in the event's time zone (Europe/Amsterdam unless the event says otherwise),
// written the Dutch way in Dutch and the British way in English.
import i18n from "./i18n";

export const DEFAULT_ZONE = "Europe/Amsterdam";

function locale(): string {
  return i18n.language === "en" ? "en-GB" : "nl-NL";
}

function fmt(iso: string | Date, options: Intl.DateTimeFormatOptions, zone = DEFAULT_ZONE): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, ...options }).format(d);
}

/** "maandag 15 november 2027" */
export function longDate(iso: string | Date, zone?: string): string {
  return fmt(iso, { weekday: "long", day: "numeric", month: "long", year: "numeric" }, zone);
}

/** "ma 15 nov" */
export function shortDate(iso: string | Date, zone?: string): string {
  return fmt(iso, { weekday: "short", day: "numeric", month: "short" }, zone);
}

/** "09:30" */
export function time(iso: string | Date, zone?: string): string {
  return fmt(iso, { hour: "2-digit", minute: "2-digit", hour12: false }, zone);
}

/** "09:30–11:00" */
export function timeRange(start: string, end: string, zone?: string): string {
  return `${time(start, zone)}–${time(end, zone)}`;
}

/** "maandag 15 november 2027, 09:30" */
export function dateTime(iso: string | Date, zone?: string): string {
  return `${longDate(iso, zone)}, ${time(iso, zone)}`;
}

/** The calendar day (`YYYY-MM-DD`) of an instant in a zone. */
export function dayKey(iso: string | Date, zone = DEFAULT_ZONE): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(d)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The days `from`..=`to` (`YYYY-MM-DD`), at most 31. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T12:00:00Z`);
  const end = new Date(`${to}T12:00:00Z`);
  while (d <= end && out.length < 31) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A `YYYY-MM-DD` day as "maandag 15 november". */
export function dayLabel(day: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** A `YYYY-MM-DD` day as "12 juni 2026" ("12 June 2026" in English). */
export function calendarDate(day: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The instant `hours` before `iso`. */
export function hoursBefore(iso: string, hours: number): Date {
  return new Date(new Date(iso).getTime() - hours * 3_600_000);
}

/** `<input type="datetime-local">` value (local wall time in `zone`) of an instant. */
export function toLocalInput(iso: string, zone = DEFAULT_ZONE): string {
  const d = new Date(iso);
  const p = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  })
    .formatToParts(d)
    .reduce<Record<string, string>>((acc, x) => ({ ...acc, [x.type]: x.value }), {});
  return `${p.year}-${p.month}-${p.day}T${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
}

/** The instant (RFC 3339, UTC) of a wall time `YYYY-MM-DDTHH:mm` in `zone`, DST included. */
export function fromLocalInput(value: string, zone = DEFAULT_ZONE): string {
  const [datePart, timePart = "00:00"] = value.split("T");
  const [y, m, d] = (datePart ?? "").split("-").map(Number);
  const [hh, mm] = timePart.split(":").map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  // The zone's offset at that wall time, found by comparing the wall time with its rendering.
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const shown = toLocalInput(new Date(guess).toISOString(), zone);
    const [sd, st = "00:00"] = shown.split("T");
    const [sy, sm, sday] = (sd ?? "").split("-").map(Number);
    const [sh, smin] = st.split(":").map(Number);
    const shownMs = Date.UTC(sy ?? 1970, (sm ?? 1) - 1, sday ?? 1, sh ?? 0, smin ?? 0);
    guess += wall - shownMs;
  }
  return new Date(guess).toISOString().replace(".000Z", "Z");
}
