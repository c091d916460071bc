// The console's skill form as plain data: what the fields hold, the body of a new skill, the
// changes of an edit (an emptied English name or ESCO link is sent as null: removed), and what
// picking an ESCO skill fills in.
import type { Schemas } from "../../api/client";
import { changedKeys } from "../organiser/forms";

export interface SkillForm {
  name_nl: string;
  name_en: string;
  description: string;
  esco_uri: string;
}

export const emptySkillForm = (): SkillForm => ({ name_nl: "", name_en: "", description: "", esco_uri: "" });

export function skillFormOf(s: Schemas["SkillDto"]): SkillForm {
  return { name_nl: s.name_nl, name_en: s.name_en ?? "", description: s.description, esco_uri: s.esco_uri ?? "" };
}

const orNull = (v: string) => (v.trim() === "" ? null : v.trim());

export function newSkillBody(f: SkillForm): Schemas["NewSkillDto"] {
  return { name_nl: f.name_nl.trim(), name_en: orNull(f.name_en), description: f.description.trim(), esco_uri: orNull(f.esco_uri) };
}

export function skillPatch(before: SkillForm, after: SkillForm): Schemas["SkillPatchDto"] {
  const full = newSkillBody(after);
  return Object.fromEntries(changedKeys(before, after).map((k) => [k, full[k]])) as Schemas["SkillPatchDto"];
}

/** Picking an ESCO skill: its labels become the names and its address the link; its description fills an empty one. */
export function fromEsco(f: SkillForm, m: Schemas["EscoMatchDto"]): SkillForm {
  return {
    name_nl: m.label_nl ?? f.name_nl,
    name_en: m.label_en ?? f.name_en,
    description: f.description.trim() ? f.description : (m.description ?? ""),
    esco_uri: m.uri,
  };
}
