import { describe, expect, it } from "vitest";
import { cancellable, quotaErrorsByRow, quotaRowsOf, quotasBody } from "./manage";

const host = "00000000-0000-0000-0000-00000000000a";

describe("what can be cancelled", () => {
  it("only seats and queue places without recorded attendance can be cancelled", () => {
    expect(cancellable({ status: "confirmed", attendance: null })).toBe(true);
    expect(cancellable({ status: "waitlisted", attendance: null })).toBe(true);
    expect(cancellable({ status: "pending_approval", attendance: null }), "a seat held for approval").toBe(true);
    expect(cancellable({ status: "confirmed", attendance: "present" })).toBe(false);
    expect(cancellable({ status: "cancelled", attendance: null })).toBe(false);
  });
});

describe("quota rows", () => {
  it("round-trip in Amsterdam time", () => {
    const rows = quotaRowsOf([{ organisation_id: host, seats: 4, release_at: "2027-11-01T11:00:00Z" }], "Europe/Amsterdam");
    expect(rows).toEqual([{ organisation_id: host, seats: "4", release_at: "2027-11-01T12:00" }]);
    expect(quotasBody(rows, "Europe/Amsterdam")).toEqual({
      quotas: [{ organisation_id: host, seats: 4, release_at: "2027-11-01T11:00:00Z" }],
    });
  });

  it("send no rows to remove all, and report rows not filled in wholly", () => {
    expect(quotasBody([])).toEqual({ quotas: [] });
    const whole = { organisation_id: host, seats: "2", release_at: "2027-11-01T12:00" };
    expect(quotasBody([whole, { organisation_id: "", seats: "", release_at: "" }, { ...whole, seats: " " }])).toEqual({ incomplete: [1, 2] });
  });

  it("show the server's word at its row", () => {
    expect(quotaErrorsByRow({ "quotas[1].seats": "te veel", capacity: "x" })).toEqual({ "1.seats": "te veel", capacity: "x" });
  });
});
