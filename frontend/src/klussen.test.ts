import { describe, expect, it } from "vitest";
import type { Fit, FitPart } from "./api/klussen";
import i18n from "./i18n";
import {
  anchoredSelection,
  assignmentBody,
  assignmentPatch,
  closingText,
  consentText,
  emptyForm,
  fieldsOf,
  filtersOf,
  fitGroups,
  fitText,
  fitWith,
  formField,
  hoursText,
  klusAnchor,
  listQuery,
  mayChoose,
  missing,
  mayWithdraw,
  nextStates,
  periodText,
  pendingText,
  placesText,
  responseKey,
  searchLink,
  searchOf,
  toggleSkill,
  type AssignmentForm,
  type T,
} from "./klussen";

const nl = i18n.getFixedT("nl", "klussen") as unknown as T;
const en = i18n.getFixedT("en", "klussen") as unknown as T;

const part = (name: string, required: boolean, standing: FitPart["standing"]): FitPart => ({
  skill_id: `id-${name}`,
  name,
  required,
  standing,
  points: standing === "has" ? (required ? 4 : 2) : standing === "wants" ? 1 : 0,
});

const fit: Fit = {
  percent: 58,
  points: 7,
  max: 12,
  required_had: 1,
  required_asked: 2,
  growth: 1,
  parts: [part("Excel", false, "has"), part("Presenteren", true, "has"), part("Juridisch advies", true, "wants"), part("Data-analyse", false, "missing")],
};

describe("the fit in words", () => {
  it("groups the parts by standing, required ones first", () => {
    const g = fitGroups(fit);
    expect(g.has.map((p) => p.name)).toEqual(["Presenteren", "Excel"]);
    expect(g.wants.map((p) => p.name)).toEqual(["Juridisch advies"]);
    expect(g.missing.map((p) => p.name)).toEqual(["Data-analyse"]);
  });
  it("names a skill in English on an English page when it has an English name", () => {
    const en1 = { ...fit, parts: [{ ...part("Presenteren", true, "has"), name_en: "Presenting" }] };
    expect(fitText(en1, en, "me", "en").lines[0]!.text).toBe("You have: Presenting (required)");
    expect(fitText(en1, nl, "me", "nl").lines[0]!.text).toBe("Je hebt: Presenteren (vereist)");
  });
  it("says the percentage, the required skills had, and each group, in Dutch", () => {
    const { headline, lines } = fitText(fit, nl);
    expect(headline).toBe("Je past voor 58%: je hebt 1 van de 2 vereiste vaardigheden.");
    expect(lines.map((l) => l.text)).toEqual([
      "Je hebt: Presenteren (vereist), Excel",
      "Je wilt groeien in: Juridisch advies (vereist)",
      "Ontbreekt nog: Data-analyse",
    ]);
  });
  it("speaks of the candidate in the third person on the poster's page, and in English", () => {
    expect(fitText(fit, nl, "them").headline).toBe("Past voor 58%: heeft 1 van de 2 vereiste vaardigheden.");
    expect(fitText(fit, nl, "them").lines[0]!.text).toBe("Heeft: Presenteren (vereist), Excel");
    expect(fitText(fit, en).headline).toBe("You fit for 58%: you have 1 of the 2 required skills.");
    expect(fitText({ ...fit, required_asked: 1, required_had: 0 }, en).headline).toBe("You fit for 58%: you have 0 of the 1 required skill.");
  });
  it("leaves out empty groups, and says so when a klus asks no skills", () => {
    const all: Fit = { ...fit, parts: [part("Excel", false, "has")], required_asked: 0, required_had: 0 };
    expect(fitText(all, nl)).toEqual({
      headline: "Je past voor 58%: geen vaardigheid is vereist.",
      lines: [{ kind: "has", text: "Je hebt: Excel" }],
    });
    expect(fitText({ ...fit, parts: [] }, nl)).toEqual({ headline: "Deze klus vraagt geen bepaalde vaardigheden.", lines: [] });
    expect(fitText(null, nl).lines).toEqual([]);
  });
  it("recomputes the fit with the skills one brings, as the server counts", () => {
    const brought = fitWith(fit, ["id-Juridisch advies", "id-Data-analyse"]);
    expect([brought.points, brought.max, brought.percent, brought.required_had, brought.growth]).toEqual([12, 12, 100, 2, 0]);
    const none = fitWith(fit, []);
    expect([none.points, none.max, none.percent]).toEqual([7, 12, 58]);
    // 1 of 3 points: 33%, rounded half up as the server does.
    const small = fitWith({ ...fit, parts: [part("A", false, "wants")] }, []);
    expect([small.points, small.max, small.percent]).toEqual([1, 2, 50]);
  });
});

describe("period, hours, closing date and places in words", () => {
  it("writes a period, one day, or 'in overleg'", () => {
    expect(periodText({ starts_on: "2027-03-01", ends_on: "2027-04-30" }, nl, "nl")).toBe("1 maart 2027 tot en met 30 april 2027");
    expect(periodText({ starts_on: "2027-03-01", ends_on: "2027-04-30" }, en, "en")).toBe("1 March 2027 to 30 April 2027");
    expect(periodText({ starts_on: "2027-03-01", ends_on: "2027-03-01" }, nl, "nl")).toBe("1 maart 2027");
    expect(periodText({ starts_on: null, ends_on: null }, nl, "nl")).toBe("In overleg");
    expect(periodText({}, en, "en")).toBe("To be agreed");
  });
  it("writes hours a week with the total when the period is known", () => {
    expect(hoursText({ hours_per_week: 8, total_hours: 72 }, nl)).toBe("8 uur per week (72 uur in totaal)");
    expect(hoursText({ hours_per_week: 1, total_hours: null }, en)).toBe("1 hour a week");
  });
  it("writes the closing date with the days left", () => {
    expect(closingText("2027-03-15", nl, "nl", "2027-03-12")).toBe("Reageren kan tot en met 15 maart 2027 (nog 3 dagen)");
    expect(closingText("2027-03-15", nl, "nl", "2027-03-14")).toBe("Reageren kan tot en met 15 maart 2027 (nog 1 dag)");
    expect(closingText("2027-03-15", nl, "nl", "2027-03-15")).toBe("Reageren kan tot en met 15 maart 2027 (vandaag is de laatste dag)");
    expect(closingText("2027-03-15", en, "en", "2027-03-16")).toBe("Responding was possible until 15 March 2027");
  });
  it("writes places taken and waiting", () => {
    expect(placesText({ places: 3, taken: 1, pending: 1 }, nl)).toBe("1 van 3 plaatsen bezet, 1 wacht op instemming");
    expect(placesText({ places: 1, taken: 0, pending: 0 }, nl)).toBe("0 van 1 plaats bezet");
    expect(placesText({ places: 3, taken: 0, pending: 2 }, en)).toBe("0 of 3 places taken, 2 waiting for consent");
  });
  it("says how many wait for consent, only when some do", () => {
    expect(pendingText(1, nl)).toBe("1 wacht op instemming");
    expect(pendingText(2, nl)).toBe("2 wachten op instemming");
    expect(pendingText(1, en)).toBe("1 waiting for consent");
    expect(pendingText(0, nl)).toBeNull();
    expect(pendingText(undefined, nl)).toBeNull();
  });
});

describe("states", () => {
  it("offers the moves of the life cycle", () => {
    expect(nextStates("draft")).toEqual(["open", "closed"]);
    expect(nextStates("open")).toEqual(["closed", "filled"]);
    expect(nextStates("closed")).toEqual(["open", "filled", "done"]);
    expect(nextStates("filled")).toEqual(["open", "done"]);
    expect(nextStates("done")).toEqual([]);
  });
  it("names a response by its consent once selected", () => {
    expect(responseKey("selected", { state: "pending" })).toBe("response.selected_pending");
    expect(responseKey("invited", null)).toBe("response.invited");
    expect(nl(responseKey("selected", { state: "approved" }))).toBe("Gekozen en definitief");
  });
  it("lets a candidate withdraw until the selection is final or the klus done", () => {
    expect(mayWithdraw("submitted", null)).toBe(true);
    expect(mayWithdraw("selected", { state: "pending" })).toBe(true);
    expect(mayWithdraw("selected", { state: "approved" })).toBe(false);
    expect(mayWithdraw("declined", null)).toBe(false);
    expect(mayWithdraw("invited", null, "done")).toBe(false);
  });
  it("offers the poster only the choices the server takes", () => {
    const open = { state: "open" as const, places: 1, taken: 0, pending: 0 };
    expect(mayChoose("invite", open, { state: "submitted" })).toBe(true);
    expect(mayChoose("invite", open, { state: "invited" })).toBe(false);
    expect(mayChoose("select", open, { state: "invited" })).toBe(true);
    expect(mayChoose("select", { ...open, pending: 1 }, { state: "submitted" })).toBe(false);
    expect(mayChoose("select", { ...open, state: "filled" }, { state: "submitted" })).toBe(false);
    expect(mayChoose("select", open, { state: "selected", selection: { state: "lapsed" } })).toBe(true);
    expect(mayChoose("decline", open, { state: "selected", selection: { state: "pending" } })).toBe(false);
    expect(mayChoose("decline", open, { state: "selected", selection: { state: "declined" } })).toBe(true);
    expect(mayChoose("decline", { ...open, state: "done" }, { state: "submitted" })).toBe(false);
    expect(mayChoose("decline", { ...open, state: "draft" }, { state: "submitted" })).toBe(false);
  });
  it("says where a consent stands", () => {
    const f = (iso: string) => iso.slice(0, 10);
    const s = { id: "s", due_at: "2027-03-12T16:00:00Z" };
    expect(consentText({ ...s, state: "pending" }, nl, f)).toBe("De leidinggevende beslist uiterlijk 2027-03-12.");
    expect(consentText({ ...s, state: "declined", reason: "Te druk" }, nl, f)).toBe("De leidinggevende stemde niet in. Reden: Te druk");
    expect(consentText({ ...s, state: "lapsed" }, en, f)).toBe("The manager did not answer before 2027-03-12: the consent lapsed.");
    expect(consentText({ ...s, state: "approved", decided_at: "2027-03-10T09:00:00Z" }, nl, f)).toBe("De leidinggevende stemde in op 2027-03-10: het is definitief.");
  });
});

describe("the poster's form", () => {
  const me = { id: "me", org_unit_id: "unit" };
  const filled = (patch: Partial<AssignmentForm> = {}): AssignmentForm => ({
    ...emptyForm(me),
    title: "  Projectleider Omgevingswet ",
    description: "Een half jaar meedraaien.",
    hours_per_week: "8",
    starts_on: "2027-03-01",
    ends_on: "2027-08-31",
    location: "Stadhuis",
    skills: [{ skill_id: "a", required: true }, { skill_id: "b", required: false }],
    closes_on: "2027-02-15",
    ...patch,
  });

  it("starts with the poster as contact, their unit, one place and their own organisation", () => {
    expect(emptyForm(me)).toMatchObject({ contact_person_id: "me", org_unit_id: "unit", places: "1", reach: "own", place: "on_site", agreed: false });
  });
  it("becomes the body of a new klus", () => {
    expect(assignmentBody(filled(), "org", "open")).toEqual({
      title: "Projectleider Omgevingswet",
      description: "Een half jaar meedraaien.",
      organisation_id: "org",
      org_unit_id: "unit",
      contact_person_id: "me",
      hours_per_week: 8,
      starts_on: "2027-03-01",
      ends_on: "2027-08-31",
      place: "on_site",
      location: "Stadhuis",
      skills: [{ skill_id: "a", required: true }, { skill_id: "b", required: false }],
      places: 1,
      reach: "own",
      partners: [],
      closes_on: "2027-02-15",
      state: "open",
    });
  });
  it("sends no period 'in overleg', no place when remote, and partners only with that reach", () => {
    const body = assignmentBody(filled({ agreed: true, place: "remote", reach: "all", partners: ["p"] }), "org", "draft");
    expect([body.starts_on, body.ends_on, body.location, body.partners, body.state]).toEqual([null, null, null, [], "draft"]);
    expect(assignmentBody(filled({ reach: "partners", partners: ["p", "q"] }), "org", "open").partners).toEqual(["p", "q"]);
    expect(assignmentBody(filled({ org_unit_id: "" }), "org", "open").org_unit_id).toBeNull();
  });
  it("leaves a number that is not one to the server (null)", () => {
    expect(assignmentBody(filled({ hours_per_week: "acht" }), "org", "open").hours_per_week).toBeNull();
  });
  it("patches only what changed, a period and a reach with their partner field", () => {
    const before = filled();
    expect(assignmentPatch(before, { ...before })).toEqual({});
    expect(assignmentPatch(before, { ...before, title: "Nieuw" })).toEqual({ title: "Nieuw" });
    expect(assignmentPatch(before, { ...before, agreed: true })).toEqual({ starts_on: null, ends_on: null });
    expect(assignmentPatch(before, { ...before, reach: "partners", partners: ["p"] })).toEqual({ reach: "partners", partners: ["p"] });
    const swapped = { ...before, skills: [{ skill_id: "a", required: false }, { skill_id: "b", required: false }] };
    expect(assignmentPatch(before, swapped)).toEqual({ skills: swapped.skills });
  });
  it("ticks skills as nice to have, keeps the choice of those kept, and stops at twelve", () => {
    const s = toggleSkill([{ skill_id: "a", required: true }], ["a", "b"]);
    expect(s).toEqual([{ skill_id: "a", required: true }, { skill_id: "b", required: false }]);
    expect(toggleSkill(s, ["b"])).toEqual([{ skill_id: "b", required: false }]);
    expect(toggleSkill([], Array.from({ length: 14 }, (_, i) => `s${i}`))).toHaveLength(12);
  });
  it("names the empty required fields in the form's order", () => {
    expect(missing(emptyForm(me))).toEqual(["title", "hours_per_week", "starts_on", "ends_on", "closes_on"]);
    expect(missing({ ...filled(), agreed: true, starts_on: "", ends_on: "" })).toEqual([]);
    expect(missing(filled({ reach: "partners" }))).toEqual(["partners"]);
  });
  it("maps the server's field names to the form's", () => {
    expect(formField("skills[2].skill_id")).toBe("skills");
    expect(formField("partners[0]")).toBe("partners");
    expect(formField("search.min_hours")).toBe("search");
    expect(formField("closes_on")).toBe("closes_on");
  });
});

describe("the list and the saved search", () => {
  it("reads the filters from the address and leaves out what is empty or malformed", () => {
    const f = filtersOf(new URLSearchParams("zoek=%20data%20&vaardigheid=s1&plek=remote&min-uren=4&max-uren=x&vanaf=2027-01-01&tot=morgen"));
    expect(listQuery(filtersOf(new URLSearchParams("min-uren=0&max-uren=41")), 1)).toEqual({ page: 1, per_page: 20 });
    expect(listQuery(f, 2)).toEqual({ page: 2, per_page: 20, q: "data", skill: "s1", place: "remote", min_hours: 4, starts_from: "2027-01-01" });
    expect(listQuery(filtersOf(new URLSearchParams("plek=maan")), 1, { managed: true, state: "all" })).toEqual({ page: 1, per_page: 20, managed: true, state: "all" });
  });
  it("saves a search only with something in it, and links to the list with it", () => {
    expect(searchOf(fieldsOf(null))).toBeNull();
    expect(searchOf({ ...fieldsOf(null), skills: ["s1"] })).toEqual({ q: null, skills: ["s1"], place: null, organisation_id: null, min_hours: null, max_hours: null });
    const s = searchOf({ ...fieldsOf(null), q: " data ", skills: ["s1", "s2"], min_hours: "4" });
    expect(s).toEqual({ q: "data", skills: ["s1", "s2"], place: null, organisation_id: null, min_hours: 4, max_hours: null });
    expect(searchLink(s)).toBe("/klussen?zoek=data&vaardigheid=s1&min-uren=4");
    expect(fieldsOf(s)).toMatchObject({ q: "data", min_hours: "4", max_hours: "" });
  });
});

describe("anchors", () => {
  it("links a done klus on Mijn ontwikkeling by its selection", () => {
    const id = "0190a8e2-7b1c-7c3d-9e4f-a1b2c3d4e5f6";
    expect(klusAnchor(id)).toBe(`klus-${id}`);
    expect(anchoredSelection(`#klus-${id.toUpperCase()}`)).toBe(id);
    expect(anchoredSelection("#reflectie-x")).toBeNull();
  });
});
