import { describe, expect, it } from "vitest";
import { byName, growth, latest, listsChanged, matches, pickerOptions, place, signed, skillName, skillNames, toggle } from "./skills";

const sk = (id: string, name_nl: string, name_en: string | null = null) => ({ id, name_nl, name_en, description: "", esco_uri: null });
const all = [sk("p", "Presenteren", "Presenting"), sk("g", "Gesprekstechnieken", "Conversation skills"), sk("e", "Excel", null), sk("c", "Coachen", "Coaching")];

describe("skill names", () => {
  it("uses the English name in English when there is one", () => {
    expect(skillName(all[0]!, "en")).toBe("Presenting");
    expect(skillName(all[2]!, "en")).toBe("Excel");
    expect(skillName(all[0]!, "nl")).toBe("Presenteren");
  });
  it("lists names by name in the reader's language", () => {
    expect(skillNames(all.slice(0, 2), "nl")).toBe("Gesprekstechnieken, Presenteren");
    expect(skillNames(all.slice(0, 2), "en")).toBe("Conversation skills, Presenting");
    expect(byName(all, "nl").map((s) => s.id)).toEqual(["c", "e", "g", "p"]);
  });
  it("matches every word, in either language, without accents", () => {
    expect(matches(all[1]!, "GESPREK")).toBe(true);
    expect(matches(all[0]!, "present")).toBe(true);
    expect(matches(sk("x", "Creëren"), "creeren")).toBe(true);
    expect(matches(all[1]!, "gesprek excel")).toBe(false);
  });
});

describe("the picker", () => {
  it("shows the chosen skills and the matching others, none excluded", () => {
    const r = pickerOptions(all, { query: "pres", chosen: ["e"], exclude: ["c"] });
    expect(r.shown.map((s) => s.id)).toEqual(["e", "p"]);
    expect(r.matched).toBe(1);
    expect(pickerOptions(all, { exclude: ["c"] }).shown.map((s) => s.id)).toEqual(["e", "g", "p"]);
  });
  it("shows at most `limit` others and counts the rest", () => {
    const r = pickerOptions(all, { chosen: ["p"], limit: 1 });
    expect(r.shown.map((s) => s.id)).toEqual(["c", "p"]);
    expect(r.hidden).toBe(2);
  });
  it("ticks up to the maximum, never twice", () => {
    expect(toggle(["a"], "b", true)).toEqual(["a", "b"]);
    expect(toggle(["a"], "a", true)).toEqual(["a"]);
    expect(toggle(["a", "b"], "c", true, 2)).toEqual(["a", "b"]);
    expect(toggle(["a", "b"], "a", false, 2)).toEqual(["b"]);
  });
});

describe("a person's two lists", () => {
  it("keeps a skill in one list at most", () => {
    const l = place({ have: ["p"], want: [] }, "p", "want", true);
    expect(l).toEqual({ have: [], want: ["p"] });
    expect(place(l, "g", "have", true)).toEqual({ have: ["g"], want: ["p"] });
    expect(place(l, "p", "want", false)).toEqual({ have: [], want: [] });
  });
  it("sees a change, not a new order", () => {
    expect(listsChanged({ have: ["a", "b"], want: [] }, { have: ["b", "a"], want: [] })).toBe(false);
    expect(listsChanged({ have: ["a"], want: [] }, { have: [], want: ["a"] })).toBe(true);
  });
});

describe("growth", () => {
  it("is the last rating minus the first, since the first day", () => {
    const rated = { ratings: [{ level: 4, on: "2026-09-01" }, { level: 2, on: "2026-06-12" }, { level: 3, on: "2026-07-01" }] };
    expect(growth(rated)).toEqual({ delta: 2, since: "2026-06-12" });
    expect(latest(rated)).toEqual({ level: 4, on: "2026-09-01" });
    expect(growth({ ratings: [{ level: 3, on: "2026-06-12" }] })).toBeNull();
  });
  it("is written with its sign", () => {
    expect(signed(2)).toBe("+2");
    expect(signed(-1)).toBe("\u22121");
    expect(signed(0)).toBe("0");
  });
});
