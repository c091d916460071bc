import { describe, expect, it } from "vitest";
import i18n from "./i18n";
import { anchoredEnrolment, yearText, attendanceKey, counterStep, hoursOf, mayReflect, reflectionAnchor, reflectionChanged, totals } from "./portfolio";

describe("portfolio", () => {
  it("writes study time as hours with at most one decimal, the reader's way", () => {
    expect(hoursOf(390, "nl")).toBe("6,5");
    expect(hoursOf(390, "en")).toBe("6.5");
    expect(hoursOf(120, "nl")).toBe("2");
    expect(hoursOf(100, "nl")).toBe("1,7");
    expect(hoursOf(0, "nl")).toBe("0");
    expect(hoursOf(60 * 1500, "nl")).toBe("1.500");
  });
  it("writes a year's study in words, in Dutch and in English", () => {
    const nl = i18n.getFixedT("nl", "portfolio") as unknown as Parameters<typeof yearText>[1];
    const en = i18n.getFixedT("en", "portfolio") as unknown as Parameters<typeof yearText>[1];
    expect(yearText({ year: 2026, sessions: 3, minutes: 390 }, nl, "nl")).toBe("2026: 3 sessies, 6,5 uur");
    expect(yearText({ year: 2026, sessions: 1, minutes: 60 }, nl, "nl")).toBe("2026: 1 sessie, 1 uur");
    expect(yearText({ year: 2026, sessions: 1, minutes: 60 }, en, "en")).toBe("2026: 1 session, 1 hour");
    expect(yearText({ year: 2027, sessions: 2, minutes: 150 }, en, "en")).toBe("2027: 2 sessions, 2.5 hours");
  });
  it("adds up the years", () => {
    expect(totals([{ year: 2027, sessions: 2, minutes: 150 }, { year: 2026, sessions: 3, minutes: 390 }])).toEqual({ sessions: 5, minutes: 540 });
    expect(totals([])).toEqual({ sessions: 0, minutes: 0 });
  });
  it("names attendance, unknown values as not recorded", () => {
    expect(attendanceKey("present")).toBe("present");
    expect(attendanceKey("excused")).toBe("excused");
    expect(attendanceKey(null)).toBe("none");
    expect(attendanceKey("something")).toBe("none");
  });
  it("offers a reflection unless one was away", () => {
    expect(mayReflect({ attendance: "present" })).toBe(true);
    expect(mayReflect({ attendance: null })).toBe(true);
    expect(mayReflect({ attendance: "absent" })).toBe(false);
    expect(mayReflect({ attendance: "excused" })).toBe(false);
  });
  it("finds the reflection the mail links to", () => {
    const id = "0190a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b";
    expect(reflectionAnchor(id)).toBe(`reflectie-${id}`);
    expect(anchoredEnrolment(`#reflectie-${id}`)).toBe(id);
    expect(anchoredEnrolment(`#reflectie-${id.toUpperCase()}`)).toBe(id);
    expect(anchoredEnrolment("#reflectie-x")).toBeNull();
    expect(anchoredEnrolment("")).toBeNull();
  });
  it("counts down in steps, so a screen reader is not told every key", () => {
    expect(counterStep(0)).toEqual({ kind: "room" });
    expect(counterStep(1800)).toEqual({ kind: "room" });
    expect(counterStep(1801)).toEqual({ kind: "near", below: 200 });
    expect(counterStep(1950)).toEqual({ kind: "near", below: 100 });
    expect(counterStep(1995)).toEqual({ kind: "near", below: 10 });
    expect(counterStep(2000)).toEqual({ kind: "full" });
    expect(counterStep(2003)).toEqual({ kind: "over", by: 3 });
    expect(counterStep(5, 10)).toEqual({ kind: "near", below: 10 });
  });
  it("knows when a reflection changed (spaces around do not count)", () => {
    const saved = { learned: "Vragen stellen", will_do: "", shared_with_manager: false };
    expect(reflectionChanged(saved, { learned: " Vragen stellen ", will_do: "", shared_with_manager: false })).toBe(false);
    expect(reflectionChanged(saved, { learned: "Vragen stellen", will_do: "", shared_with_manager: true })).toBe(true);
    expect(reflectionChanged(null, { learned: "", will_do: " ", shared_with_manager: false })).toBe(false);
    expect(reflectionChanged(null, { learned: "x", will_do: "", shared_with_manager: false })).toBe(true);
  });
});
