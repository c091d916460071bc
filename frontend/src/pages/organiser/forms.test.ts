import { describe, expect, it } from "vitest";
import { ApiProblem } from "../../api/client";
import {
  changedKeys, emptySessionForm, eventFormOf, eventPatch, fieldErrors, filterParticipants, fold, groupByWorkshop,
  manageable, missingFields, movePatch, sessionRequired, EVENT_REQUIRED, newEventBody, newSessionBody, newWorkshopBody, presentCount, workshopFormOf, workshopPatch,
  type EnrolmentItem, type EventDto, type ProgrammeItem, type WorkshopDto,
} from "./forms";

const event: EventDto = {
  id: "e1",
  name: "Leerweek 2027",
  starts_on: "2027-11-15",
  ends_on: "2027-11-19",
  time_zone: "Europe/Amsterdam",
  enrolment_opens_at: "2027-09-01T06:00:30.416716556Z",
  enrolment_closes_at: "2027-11-12T16:00:00Z",
  cancellation_deadline_hours: 24,
  max_enrolments_per_person: 4,
  status: "draft",
  organisation_ids: ["a", "b"],
  reminder_hours_before: 24,
  no_show_policy: "automatic",
  allocation: "first_come",
  max_preferences: 5,
  allocated_at: null,
  approval: "none",
  approval_hours: 72,
  lead_organisation_id: "a",
  may: { edit: true, set_status: true, archive: true, manage_organisations: true, change_lead: false, leave: null, manage_workshops_of: ["a"] },
};

describe("event forms", () => {
  it("shows instants as Amsterdam wall time", () => {
    const f = eventFormOf(event);
    expect(f.enrolment_opens_at).toBe("2027-09-01T08:00");
    expect(f.enrolment_closes_at).toBe("2027-11-12T17:00");
    expect(f.max_enrolments_per_person).toBe("4");
  });

  it("a PATCH carries only what changed", () => {
    const before = eventFormOf(event);
    expect(eventPatch(before, { ...before })).toEqual({});
    // The order of organisations does not matter; the sub-second opening time is not sent again.
    expect(eventPatch(before, { ...before, organisation_ids: ["b", "a"] })).toEqual({});
    expect(eventPatch(before, { ...before, name: " Nieuwe naam ", enrolment_closes_at: "2027-11-12T18:30" })).toEqual({
      name: "Nieuwe naam",
      enrolment_closes_at: "2027-11-12T17:30:00Z",
    });
    expect(eventPatch(before, { ...before, organisation_ids: ["a"] })).toEqual({ organisation_ids: ["a"] });
  });

  it("an emptied limit is sent as null (no limit), numbers as numbers", () => {
    const before = eventFormOf(event);
    expect(eventPatch(before, { ...before, max_enrolments_per_person: "" })).toEqual({ max_enrolments_per_person: null });
    expect(eventPatch(before, { ...before, cancellation_deadline_hours: "48" })).toEqual({ cancellation_deadline_hours: 48 });
  });

  it("a new week leaves out an empty limit and converts times (summer and winter)", () => {
    const body = newEventBody({
      ...eventFormOf(event),
      enrolment_opens_at: "2027-06-01T09:00",
      max_enrolments_per_person: "",
    });
    expect(body.enrolment_opens_at).toBe("2027-06-01T07:00:00Z");
    expect(body.enrolment_closes_at).toBe("2027-11-12T16:00:00Z");
    expect("max_enrolments_per_person" in body).toBe(false);
    expect(body.organisation_ids).toEqual(["a", "b"]);
  });

  it("compares arrays as sets", () => {
    expect(changedKeys({ a: ["x", "y"], b: "1" }, { a: ["y", "x"], b: "2" })).toEqual(["b"]);
  });
});

describe("workshop forms", () => {
  const w: WorkshopDto = {
    id: "w1", event_id: "e1", title: "Excel", description: "Leer Excel", theme: "vaardigheden", host_organisation_id: "a",
    language: "nl", format: "on_site", audience: "all", audience_organisation_ids: [], status: "scheduled", trainer: null, skills: [],
    may: { edit: true, add_session: true, cancel: true, see_feedback: true },
  };
  it("sends changed fields, a cleared trainer as null, never the host", () => {
    const before = workshopFormOf(w);
    expect(workshopPatch(before, { ...before, host_organisation_id: "b" })).toEqual({});
    expect(workshopPatch(before, { ...before, trainer: "Anna" })).toEqual({ trainer: "Anna" });
    expect(workshopPatch({ ...before, trainer: "Anna" }, before)).toEqual({ trainer: null });
  });
  it("a listed audience goes with its organisations", () => {
    const before = workshopFormOf(w);
    expect(workshopPatch(before, { ...before, audience: "listed", audience_organisation_ids: ["b"] })).toEqual({
      audience: "listed",
      audience_organisation_ids: ["b"],
    });
    expect(workshopPatch(before, { ...before, audience: "host_only" })).toEqual({ audience: "host_only" });
  });
  it("sends the skills only when the set changed, the whole list then", () => {
    const before = { ...workshopFormOf(w), skills: ["s1", "s2"] };
    expect(workshopPatch(before, { ...before, skills: ["s2", "s1"] })).toEqual({});
    expect(workshopPatch(before, { ...before, skills: ["s2", "s3"] })).toEqual({ skills: ["s2", "s3"] });
    expect(workshopPatch(before, { ...before, skills: [] })).toEqual({ skills: [] });
    expect(newWorkshopBody({ ...before, skills: ["s1"] }).skills).toEqual(["s1"]);
  });
  it("a new workshop has a lower-case theme and no list unless listed", () => {
    const body = newWorkshopBody({ ...workshopFormOf(w), theme: " Kennis ", audience_organisation_ids: ["b"] });
    expect(body.theme).toBe("kennis");
    expect(body.audience_organisation_ids).toBeNull();
  });
});

describe("session forms", () => {
  const form = { ...emptySessionForm(), starts_at: "2027-11-15T09:30", ends_at: "2027-11-15T11:00", capacity: "12", venue: " Stadhuis ", online_url: "https://x" };
  it("sends a place on site, a link online, both when hybrid", () => {
    const onSite = newSessionBody(form, "on_site");
    expect(onSite).toEqual({
      starts_at: "2027-11-15T08:30:00Z", ends_at: "2027-11-15T10:00:00Z", capacity: 12,
      location: { venue: "Stadhuis", room: null, address: null },
    });
    expect(newSessionBody(form, "online")).toEqual({
      starts_at: "2027-11-15T08:30:00Z", ends_at: "2027-11-15T10:00:00Z", capacity: 12, online_url: "https://x",
    });
    const hybrid = newSessionBody(form, "hybrid");
    expect(hybrid.location?.venue).toBe("Stadhuis");
    expect(hybrid.online_url).toBe("https://x");
  });
  it("sends quotas that name an organisation", () => {
    const body = newSessionBody(
      { ...form, quotas: [{ organisation_id: "a", seats: "4", release_at: "2027-11-01T12:00" }, { organisation_id: "", seats: "", release_at: "" }] },
      "on_site",
    );
    expect(body.quotas).toEqual([{ organisation_id: "a", seats: 4, release_at: "2027-11-01T11:00:00Z" }]);
  });
  it("moves only the ends that changed", () => {
    const s = { starts_at: "2027-11-15T08:30:00Z", ends_at: "2027-11-15T10:00:00Z" };
    expect(movePatch(s, "2027-11-15T09:30", "2027-11-15T11:00")).toEqual({});
    expect(movePatch(s, "2027-11-16T09:30", "2027-11-15T11:00")).toEqual({ starts_at: "2027-11-16T08:30:00Z" });
    expect(movePatch(s, "2027-11-16T09:30", "2027-11-16T11:00")).toEqual({
      starts_at: "2027-11-16T08:30:00Z",
      ends_at: "2027-11-16T10:00:00Z",
    });
  });
});

describe("check-in", () => {
  const p = (person_name: string, status = "confirmed", attendance: string | null = null) =>
    ({ id: person_name, person_name, person_email: `${fold(person_name).replace(/ /g, ".")}@x.example`, status, attendance }) as EnrolmentItem;
  const items = [p("Daniëlle Janssen"), p("Gijs Yılmaz", "confirmed", "present"), p("Joyce Willems"), p("Jan de Wit", "waitlisted"), p("Eva Bos", "cancelled")];

  it("finds confirmed people as you type, accents and case aside", () => {
    expect(filterParticipants(items, "").map((i) => i.person_name)).toEqual(["Daniëlle Janssen", "Gijs Yılmaz", "Joyce Willems"]);
    expect(filterParticipants(items, "daniel").map((i) => i.person_name)).toEqual(["Daniëlle Janssen"]);
    expect(filterParticipants(items, "yilm").map((i) => i.person_name)).toEqual(["Gijs Yılmaz"]);
    expect(filterParticipants(items, "j w").map((i) => i.person_name)).toEqual(["Joyce Willems"]);
    expect(filterParticipants(items, "jan de wit")).toEqual([]);
  });
  it("counts who is present among the confirmed", () => {
    expect(presentCount(items)).toEqual({ present: 1, total: 3 });
  });
});

describe("errors and lists", () => {
  it("maps the server's problem to fields", () => {
    const e = new ApiProblem(422, { detail: "location.venue: is verplicht", field: "location.venue", errors: [{ field: "location.venue", detail: "is verplicht" }] });
    expect(fieldErrors(e)).toEqual({ "location.venue": "is verplicht" });
    expect(fieldErrors(new ApiProblem(422, { detail: "naam ontbreekt", field: "name" }))).toEqual({ name: "naam ontbreekt" });
    expect(fieldErrors(new Error("x"))).toEqual({});
  });
  it("lists the weeks someone may manage, as the API says, newest first", () => {
    const none = { edit: false, set_status: false, archive: false, manage_organisations: false, change_lead: false, leave: null, manage_workshops_of: [] };
    const other = { ...event, id: "e2", organisation_ids: ["c"], starts_on: "2028-01-01" };
    const hostOnly = { ...event, id: "e3", starts_on: "2029-01-01", may: { ...none, manage_workshops_of: ["a"] } };
    expect(manageable([event, { ...other, may: none }]).map((e) => e.id)).toEqual(["e1"]);
    expect(manageable([event, other, hostOnly]).map((e) => e.id)).toEqual(["e3", "e2", "e1"]);
    expect(manageable([{ ...event, may: none }])).toEqual([]);
  });
  it("groups the programme by workshop", () => {
    const s = (session_id: string, workshop_id: string, title: string, starts_at: string) =>
      ({ session_id, workshop_id, title, host_organisation_name: "Enkhuizen", starts_at, ends_at: starts_at }) as ProgrammeItem;
    const groups = groupByWorkshop([s("2", "w2", "Yoga", "2027-11-16T08:00:00Z"), s("1", "w1", "Excel", "2027-11-17T08:00:00Z"), s("3", "w1", "Excel", "2027-11-15T08:00:00Z")]);
    expect(groups.map((g) => [g.title, g.sessions.map((x) => x.session_id)])).toEqual([["Excel", ["3", "1"]], ["Yoga", ["2"]]]);
  });
});

describe("required fields", () => {
  it("names the empty ones in form order, lists and blanks included", () => {
    const f = { ...eventFormOf(event), name: "  ", organisation_ids: [] };
    expect(missingFields(f, EVENT_REQUIRED)).toEqual(["name", "organisation_ids"]);
    expect(missingFields(eventFormOf(event), EVENT_REQUIRED)).toEqual([]);
  });
  it("asks for a place on site and a link online", () => {
    expect(sessionRequired("on_site")).toContain("venue");
    expect(sessionRequired("on_site")).not.toContain("online_url");
    expect(sessionRequired("online")).toEqual(["starts_at", "ends_at", "capacity", "online_url"]);
    expect(sessionRequired("hybrid")).toEqual(expect.arrayContaining(["venue", "online_url"]));
  });
});
