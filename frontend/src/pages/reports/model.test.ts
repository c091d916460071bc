import { describe, expect, it } from "vitest";
import {
  average,
  chartData,
  count,
  downloadUrl,
  groupSessions,
  hours,
  mixHasData,
  pageInfo,
  parsePage,
  percent,
  reportFromSlug,
  turnout,
  slugOf,
  splitParticipation,
  type ParticipationRow,
  type SessionRow,
} from "./model";

// Intl puts a narrow no-break space in some locales; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

function part(p: Partial<ParticipationRow>): ParticipationRow {
  return {
    organisation: "Enkhuizen",
    organisation_id: "o1",
    org_unit: "",
    org_unit_id: null,
    level: "organisation",
    employees: 0,
    enrolled: 0,
    enrolled_share: null,
    attended: 0,
    attended_sessions: 0,
    no_shows: 0,
    excused: 0,
    hours: 0,
    approvals_pending: 0,
    approvals_approved: 0,
    approvals_declined: 0,
    approvals_lapsed: 0,
    ...p,
  };
}

function sess(p: Partial<SessionRow>): SessionRow {
  return {
    workshop_id: "w1",
    title: "Excel",
    host: "Enkhuizen",
    session_id: null,
    starts_at: null,
    status: "",
    capacity: 0,
    confirmed: 0,
    waiting: 0,
    attended: 0,
    no_shows: 0,
    feedback_count: 0,
    certificates: 0,
    ...p,
  };
}

describe("numbers", () => {
  it("writes percentages the Dutch way, with at most one decimal", () => {
    expect(plain(percent(0.425))).toBe("42,5%");
    expect(plain(percent(0.171))).toBe("17,1%");
    expect(plain(percent(0))).toBe("0%");
    expect(plain(percent(1))).toBe("100%");
    expect(plain(percent(0.425, "en"))).toBe("42.5%");
  });
  it("shows a dash where there is no share or average", () => {
    expect(percent(null)).toBe("–");
    expect(percent(undefined)).toBe("–");
    expect(percent(Number.NaN)).toBe("–");
    expect(average(null)).toBe("–");
  });
  it("writes hours and averages with exactly one decimal", () => {
    expect(hours(0)).toBe("0,0");
    expect(hours(12.25)).toBe("12,3");
    expect(hours(1234.5)).toBe("1.234,5");
    expect(hours(3, "en")).toBe("3.0");
    expect(average(4.26)).toBe("4,3");
  });
  it("groups thousands", () => {
    expect(count(1634)).toBe("1.634");
    expect(count(1634, "en")).toBe("1,634");
  });
});

describe("paging", () => {
  it("counts pages and the rows shown", () => {
    expect(pageInfo(341, 2, 50)).toEqual({ page: 2, pages: 7, hasPrevious: true, hasNext: true, from: 51, to: 100 });
    expect(pageInfo(341, 7, 50)).toMatchObject({ page: 7, hasNext: false, from: 301, to: 341 });
    expect(pageInfo(50, 1, 50)).toMatchObject({ pages: 1, hasPrevious: false, hasNext: false });
  });
  it("has one (empty) page when there are no rows, and clamps a page past the end", () => {
    expect(pageInfo(0, 1, 50)).toEqual({ page: 1, pages: 1, hasPrevious: false, hasNext: false, from: 0, to: 0 });
    expect(pageInfo(120, 9, 50)).toMatchObject({ page: 3, from: 101, to: 120 });
  });
  it("reads the page from the address", () => {
    expect(parsePage("3")).toBe(3);
    expect(parsePage(null)).toBe(1);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("-2")).toBe(1);
    expect(parsePage("2.5")).toBe(1);
    expect(parsePage("abc")).toBe(1);
  });
});

describe("tabs and downloads", () => {
  it("maps the address to a report and back", () => {
    expect(reportFromSlug("bereik")).toBe("reach");
    expect(reportFromSlug(null)).toBe("participation");
    expect(reportFromSlug("onzin")).toBe("participation");
    expect(slugOf("mix")).toBe("grenzen");
  });
  it("downloads from the same endpoint with a format", () => {
    expect(downloadUrl("e1", "people", "xlsx")).toBe("/api/v1/events/e1/reports/people?format=xlsx");
  });
});

describe("participation", () => {
  const rows = [
    part({ organisation: "Drechterland", organisation_id: "o2", employees: 150, enrolled: 29, enrolled_share: 0.193, attended: 15 }),
    part({ organisation: "Drechterland", organisation_id: "o2", level: "unit", org_unit: "HR", org_unit_id: "u1", employees: 43, enrolled: 8 }),
    part({ organisation: "Enkhuizen", organisation_id: "o1", employees: 190, enrolled: 50, enrolled_share: 0.263 }),
    part({ organisation: "Enkhuizen", organisation_id: "o1", level: "unit", org_unit: "Ruimte", org_unit_id: "u2", employees: 40 }),
    part({ organisation: "", organisation_id: null, level: "total", employees: 340, enrolled: 79, enrolled_share: 0.232 }),
  ];
  it("splits the total from the organisations with their units", () => {
    const { total, groups } = splitParticipation(rows);
    expect(total?.employees).toBe(340);
    expect(groups.map((g) => [g.organisation.organisation, g.units.map((u) => u.org_unit)])).toEqual([
      ["Drechterland", ["HR"]],
      ["Enkhuizen", ["Ruimte"]],
    ]);
  });
  it("charts organisations when there are several, as percentages", () => {
    expect(chartData(rows)).toEqual({
      by: "organisation",
      data: [
        { name: "Drechterland", enrolled: 19.3, attended: 10 },
        { name: "Enkhuizen", enrolled: 26.3, attended: 0 },
      ],
    });
  });
  it("charts units when there is one organisation, and copes with nobody in a unit", () => {
    const one = [
      part({ employees: 35, enrolled: 8, enrolled_share: 0.229 }),
      part({ level: "unit", org_unit: "Burgerzaken", org_unit_id: "u", employees: 35, enrolled: 7, attended: 7 }),
      part({ level: "unit", org_unit: "(geen afdeling)", employees: 0 }),
    ];
    expect(chartData(one)).toEqual({
      by: "unit",
      data: [
        { name: "Burgerzaken", enrolled: 20, attended: 20 },
        { name: "(geen afdeling)", enrolled: 0, attended: 0 },
      ],
    });
  });
});

describe("sessions", () => {
  it("groups per workshop: the total first, then its sessions by start", () => {
    const rows = [
      sess({ capacity: 44 }),
      sess({ session_id: "s2", starts_at: "2027-11-18T14:00:00Z", capacity: 22 }),
      sess({ session_id: "s1", starts_at: "2027-11-16T08:00:00Z", capacity: 22 }),
      sess({ workshop_id: "w2", title: "Armoede", capacity: 10 }),
      sess({ workshop_id: "w2", title: "Armoede", session_id: "s3", starts_at: "2027-11-15T09:00:00Z", capacity: 10 }),
    ];
    const g = groupSessions(rows);
    expect(g.map((x) => [x.total.workshop_id, x.total.capacity, x.sessions.map((s) => s.session_id)])).toEqual([
      ["w1", 44, ["s1", "s2"]],
      ["w2", 10, ["s3"]],
    ]);
  });
  it("adds up the sessions of a workshop without a total row", () => {
    const g = groupSessions([
      sess({ session_id: "s1", capacity: 20, confirmed: 10, attended: 5, feedback_count: 2, feedback_average: 4 }),
      sess({ session_id: "s2", capacity: 20, confirmed: 10, attended: 10, feedback_count: 2, feedback_average: 5 }),
    ]);
    expect(g).toHaveLength(1);
    expect(g[0]!.sessions).toHaveLength(2);
    expect(g[0]!.total).toMatchObject({ session_id: null, capacity: 40, confirmed: 20, fill_rate: 0.5, attendance_rate: 0.75, feedback_average: 4.5 });
  });
});

describe("turnout", () => {
  it("is a dash until someone is marked present or absent", () => {
    expect(turnout(sess({ confirmed: 10, attendance_rate: 0 }))).toBeNull();
    expect(turnout(sess({ confirmed: 10, attended: 0, no_shows: 2, attendance_rate: 0 }))).toBe(0);
    expect(turnout(sess({ confirmed: 10, attended: 8, no_shows: 2, attendance_rate: 0.8 }))).toBe(0.8);
    expect(turnout(sess({ confirmed: 4, attended: 3 }))).toBe(0.75);
  });
});

describe("mix", () => {
  it("has data only once someone attended something", () => {
    const zero = { organisation: "", attended_sessions: 0, at_other_hosts: 0, organisations_met: 0, met: [] };
    expect(mixHasData([])).toBe(false);
    expect(mixHasData([zero])).toBe(false);
    expect(mixHasData([zero, { ...zero, organisation: "Nuenen", attended_sessions: 3 }])).toBe(true);
  });
});
