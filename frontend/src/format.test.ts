import { describe, expect, it } from "vitest";
import { dayKey, daysBetween, fromLocalInput, timeRange, toLocalInput } from "./format";

describe("format", () => {
  it("shows times in Amsterdam, also across the change to winter time", () => {
    // 01:00 CEST to 04:00 CET on 26 October 2025 (four hours).
    expect(timeRange("2025-10-25T23:00:00Z", "2025-10-26T03:00:00Z")).toBe("01:00–04:00");
    expect(dayKey("2025-10-25T23:00:00Z")).toBe("2025-10-26");
  });
  it("turns a wall time into the right instant in summer and winter", () => {
    expect(fromLocalInput("2027-11-15T09:30")).toBe("2027-11-15T08:30:00Z");
    expect(fromLocalInput("2027-06-15T09:30")).toBe("2027-06-15T07:30:00Z");
    expect(toLocalInput("2027-11-15T08:30:00Z")).toBe("2027-11-15T09:30");
  });
  it("lists the days of a week", () => {
    expect(daysBetween("2027-11-15", "2027-11-19")).toEqual([
      "2027-11-15", "2027-11-16", "2027-11-17", "2027-11-18", "2027-11-19",
    ]);
  });
});
