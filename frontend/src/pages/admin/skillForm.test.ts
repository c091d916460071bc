import { describe, expect, it } from "vitest";
import { emptySkillForm, fromEsco, newSkillBody, skillFormOf, skillPatch } from "./skillForm";

const skill = { id: "s", name_nl: "Presenteren", name_en: "Presenting", description: "Voor een groep", esco_uri: "http://data.europa.eu/esco/skill/1" };

describe("skill form", () => {
  it("a new skill sends empty optional fields as null", () => {
    expect(newSkillBody({ ...emptySkillForm(), name_nl: " Excel " })).toEqual({ name_nl: "Excel", name_en: null, description: "", esco_uri: null });
  });
  it("an edit sends only what changed; an emptied English name or link is removed", () => {
    const before = skillFormOf(skill);
    expect(skillPatch(before, before)).toEqual({});
    expect(skillPatch(before, { ...before, name_nl: "Presenteren voor groepen " })).toEqual({ name_nl: "Presenteren voor groepen" });
    expect(skillPatch(before, { ...before, name_en: "", esco_uri: " " })).toEqual({ name_en: null, esco_uri: null });
  });
  it("picking an ESCO skill fills the names and link, and an empty description", () => {
    const m = { uri: "http://data.europa.eu/esco/skill/2", label_nl: "presentaties geven", label_en: "give presentations", description: "Iets tonen", skill_id: null };
    expect(fromEsco(emptySkillForm(), m)).toEqual({ name_nl: "presentaties geven", name_en: "give presentations", description: "Iets tonen", esco_uri: m.uri });
    expect(fromEsco({ ...emptySkillForm(), description: "Eigen" }, m).description).toBe("Eigen");
  });
});
