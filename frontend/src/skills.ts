// Skills as the pages show them: a name in the reader's language, a list of names, the choices
// of a picker (search, at most so many), a person's two lists (a skill is in one at most) and
// growth between the first and the last self-rating. Plain functions, tested in skills.test.ts.
import type { Schemas } from "./api/client";

export type Skill = Schemas["SkillDto"];
export type SkillUse = Schemas["SkillUseDto"];
export type RatedSkill = Schemas["RatedSkillDto"];

/** The most skills a workshop may teach (the API refuses more). */
export const MAX_WORKSHOP_SKILLS = 12;

/** The name in the reader's language: English when there is one and the page is English. */
export function skillName(s: Pick<Skill, "name_nl" | "name_en">, language: string): string {
  return language === "en" && s.name_en ? s.name_en : s.name_nl;
}

/** Lower case, without accents, for matching what people type. */
function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

/** Skills sorted by their name in the reader's language. */
export function byName<T extends Pick<Skill, "name_nl" | "name_en">>(skills: T[], language: string): T[] {
  return [...skills].sort((a, b) => skillName(a, language).localeCompare(skillName(b, language), language));
}

/** "Presenteren, Gesprekstechnieken": the names in the reader's language, by name. */
export function skillNames(skills: Pick<Skill, "name_nl" | "name_en">[], language: string): string {
  return byName(skills, language).map((s) => skillName(s, language)).join(", ");
}

/** Does the skill's Dutch or English name hold every word of the query? */
export function matches(s: Pick<Skill, "name_nl" | "name_en">, query: string): boolean {
  const hay = fold(`${s.name_nl} ${s.name_en ?? ""}`);
  return fold(query).split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/**
 * What a picker shows: every chosen skill, and the others that match the query (none of
 * `exclude`), by name; at most `limit` of those others, with the number left out.
 */
export function pickerOptions<T extends Pick<Skill, "id" | "name_nl" | "name_en">>(
  all: T[],
  { query = "", chosen = [], exclude = [], limit = 30, language = "nl" }: { query?: string; chosen?: string[]; exclude?: string[]; limit?: number; language?: string },
): { shown: T[]; hidden: number; matched: number } {
  const picked = new Set(chosen);
  const out = new Set(exclude);
  const sorted = byName(all, language);
  const others = sorted.filter((s) => !picked.has(s.id) && !out.has(s.id) && matches(s, query));
  const keep = new Set([...sorted.filter((s) => picked.has(s.id)).map((s) => s.id), ...others.slice(0, limit).map((s) => s.id)]);
  return { shown: sorted.filter((s) => keep.has(s.id)), hidden: Math.max(0, others.length - limit), matched: others.length };
}

/** Tick or untick a skill in a list; with a maximum, ticking more than that changes nothing. */
export function toggle(list: string[], id: string, on: boolean, max = Infinity): string[] {
  if (!on) return list.filter((x) => x !== id);
  if (list.includes(id) || list.length >= max) return list;
  return [...list, id];
}

export interface Lists {
  have: string[];
  want: string[];
}

/** Put a skill in one of a person's lists (taking it out of the other), or take it out. */
export function place(lists: Lists, id: string, list: keyof Lists, on: boolean): Lists {
  const without = (l: string[]) => l.filter((x) => x !== id);
  const add = (l: string[]) => (l.includes(id) ? l : [...l, id]);
  if (list === "have") return on ? { have: add(lists.have), want: without(lists.want) } : { have: without(lists.have), want: lists.want };
  return on ? { have: without(lists.have), want: add(lists.want) } : { have: lists.have, want: without(lists.want) };
}

/** Do two pairs of lists differ (order aside)? */
export function listsChanged(a: Lists, b: Lists): boolean {
  const key = (l: string[]) => [...l].sort().join(",");
  return key(a.have) !== key(b.have) || key(a.want) !== key(b.want);
}

/** The difference between the last and the first rating, and the first day; null with one day only. */
export function growth(rated: Pick<RatedSkill, "ratings">): { delta: number; since: string } | null {
  const r = [...rated.ratings].sort((a, b) => a.on.localeCompare(b.on));
  if (r.length < 2) return null;
  return { delta: r[r.length - 1]!.level - r[0]!.level, since: r[0]!.on };
}

/** "+2", "−1" (a real minus sign) or "0". */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : "0";
}

/** The latest rating, if any. */
export function latest(rated: Pick<RatedSkill, "ratings"> | undefined): { level: number; on: string } | undefined {
  if (!rated) return undefined;
  return [...rated.ratings].sort((a, b) => a.on.localeCompare(b.on)).at(-1);
}
