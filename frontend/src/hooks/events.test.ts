import { describe, expect, it } from "vitest";
import { pickEvent, type Event } from "./events";

const ev = (id: string, starts_on: string, ends_on: string, status = "published"): Event =>
  ({ id, name: id, starts_on, ends_on, status } as Event);

describe("pickEvent", () => {
  const events = [
    ev("old", "2026-11-16", "2026-11-20"),
    ev("next", "2027-11-15", "2027-11-19"),
    ev("later", "2028-11-13", "2028-11-17"),
    ev("draft", "2027-01-01", "2027-01-05", "draft"),
  ];
  it("shows the published week that is on or next", () => {
    expect(pickEvent(events, null, new Date("2026-11-24T10:00:00Z"))?.id).toBe("next");
    expect(pickEvent(events, null, new Date("2026-11-18T10:00:00Z"))?.id).toBe("old");
  });
  it("never picks a draft by itself, but honours an explicit choice", () => {
    expect(pickEvent([events[3]!], null)).toBeUndefined();
    expect(pickEvent(events, "later")?.id).toBe("later");
    expect(pickEvent(events, "missing", new Date("2026-11-24T10:00:00Z"))?.id).toBe("next");
  });
  it("falls back to the latest past week", () => {
    expect(pickEvent(events.slice(0, 1), null, new Date("2030-01-01T00:00:00Z"))?.id).toBe("old");
  });
});
