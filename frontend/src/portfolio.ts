// The portfolio as plain data: study time in words, which sessions take a reflection, the
// anchor the feedback mail links to, and the character counter of a reflection's parts.
import type { Schemas } from "./api/client";

export type Portfolio = Schemas["PortfolioDto"];
export type PortfolioSession = Schemas["PortfolioSessionDto"];
export type Year = Schemas["YearDto"];

/** Longest part of a reflection, in characters (the server's limit). */
export const MAX_REFLECTION = 2000;

const localeOf = (language?: string) => (language === "en" ? "en-GB" : "nl-NL");

/** Minutes as hours with at most one decimal: 390 → "6,5" (nl) or "6.5" (en); 120 → "2". */
export function hoursOf(minutes: number, language?: string): string {
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: 1 }).format(Math.round(minutes / 6) / 10);
}

type T = (key: string, options?: Record<string, unknown>) => string;

/** "2026: 3 sessies, 6,5 uur" ("2026: 1 session, 1 hour"): a year's study in words. */
export function yearText(y: Year, t: T, language?: string): string {
  const hours = t("participation.hoursText", { count: y.minutes === 60 ? 1 : 2, hours: hoursOf(y.minutes, language) });
  return t("participation.year", { year: y.year, count: y.sessions, hours });
}

/** The attendance of a seat as a key of the texts (`present`, `absent`, `excused`, `none`). */
export function attendanceKey(a: string | null | undefined): "present" | "absent" | "excused" | "none" {
  return a === "present" || a === "absent" || a === "excused" ? a : "none";
}

/** A reflection can be written on a session one did not miss (the server's rule). */
export function mayReflect(s: Pick<PortfolioSession, "attendance">): boolean {
  return s.attendance !== "absent" && s.attendance !== "excused";
}

/** The element the feedback mail links to: `/mijn-ontwikkeling#reflectie-{enrolment_id}`. */
export function reflectionAnchor(enrolmentId: string): string {
  return `reflectie-${enrolmentId}`;
}

/** The enrolment a location hash points at (`#reflectie-…`), or null. */
export function anchoredEnrolment(hash: string): string | null {
  const m = /^#?reflectie-([0-9a-fA-F-]{36})$/.exec(hash.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** Attended sessions and hours in total over the years. */
export function totals(years: Year[]): { sessions: number; minutes: number } {
  return years.reduce((acc, y) => ({ sessions: acc.sessions + y.sessions, minutes: acc.minutes + y.minutes }), { sessions: 0, minutes: 0 });
}

/**
 * What a screen reader hears as someone types: nothing while there is room, then once per step
 * (fewer than 200, 100, 50, 20, 10 left; none left; over): never a word per key.
 */
export function counterStep(length: number, max = MAX_REFLECTION): { kind: "room" } | { kind: "near"; below: number } | { kind: "full" } | { kind: "over"; by: number } {
  const left = max - length;
  if (left < 0) return { kind: "over", by: -left };
  if (left === 0) return { kind: "full" };
  for (const below of [10, 20, 50, 100, 200]) if (left < below) return { kind: "near", below };
  return { kind: "room" };
}

/** The body of a reflection as the server wants it, and whether it differs from what is saved. */
export function reflectionChanged(
  saved: Pick<Schemas["ReflectionDto"], "learned" | "will_do" | "shared_with_manager"> | null | undefined,
  draft: { learned: string; will_do: string; shared_with_manager: boolean },
): boolean {
  if (!saved) return draft.learned.trim() !== "" || draft.will_do.trim() !== "" || draft.shared_with_manager;
  return saved.learned !== draft.learned.trim() || saved.will_do !== draft.will_do.trim() || saved.shared_with_manager !== draft.shared_with_manager;
}
