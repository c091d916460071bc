// The fields of a workshop, for adding one to a week and for changing it.
import { Checkbox, Fieldset, FieldsetLegend, FormField, FormLabel, SelectOption } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { SkillPicker } from "../../components/SkillPicker";
import { useSkills } from "../../hooks/skills";
import { MAX_WORKSHOP_SKILLS } from "../../skills";
import type { WorkshopForm } from "./forms";
import { SelectField, TextAreaField, TextField } from "./shared";

export const THEMES = ["kennis", "vaardigheden", "talent", "vitaliteit", "leiderschap"];

export function WorkshopFields({
  prefix, form, set, errors, hosts, audienceOrganisations, canChooseHost,
}: {
  prefix: string;
  form: WorkshopForm;
  set: (patch: Partial<WorkshopForm>) => void;
  errors: Record<string, string>;
  /** The organisations that may host (the participating ones this person may act for). */
  hosts: Schemas["OrganisationDto"][];
  /** The participating organisations, for a `listed` audience. */
  audienceOrganisations: Schemas["OrganisationDto"][];
  canChooseHost: boolean;
}) {
  const { t } = useTranslation("organiser");
  const { t: tc } = useTranslation();
  const { t: ta } = useTranslation("approval");
  const { t: ts } = useTranslation("skills");
  const vocabulary = useSkills();
  // The server names the list (`skills`) or one of its items (`skills[2]`).
  const skillsError = Object.entries(errors).filter(([k]) => k === "skills" || k.startsWith("skills[")).map(([, v]) => v).join(" ") || undefined;
  const id = (k: string) => `${prefix}-${k}`;
  const toggle = (orgId: string, on: boolean) =>
    set({
      audience_organisation_ids: on
        ? [...form.audience_organisation_ids, orgId]
        : form.audience_organisation_ids.filter((o) => o !== orgId),
    });

  return (
    <>
      <TextField id={id("title")} label={t("workshop.title")} required value={form.title} onValue={(title) => set({ title })} error={errors.title} autoComplete="off" maxLength={200} />
      <TextAreaField id={id("description")} label={t("workshop.description")} required value={form.description} onValue={(description) => set({ description })} error={errors.description} />
      <div className="lw-form-row">
        <TextField
          id={id("theme")} label={t("workshop.theme")} hint={t("workshop.themeHint")} required list={id("themes")}
          value={form.theme} onValue={(theme) => set({ theme })} error={errors.theme} autoComplete="off"
        />
        <datalist id={id("themes")}>
          {THEMES.map((th) => <option key={th} value={th} />)}
        </datalist>
        {canChooseHost && (
          <SelectField
            id={id("host_organisation_id")} label={t("workshop.host")} required
            value={form.host_organisation_id} onValue={(host_organisation_id) => set({ host_organisation_id })} error={errors.host_organisation_id}
          >
            <SelectOption value="">{t("workshop.chooseHost")}</SelectOption>
            {hosts.map((o) => <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>)}
          </SelectField>
        )}
      </div>
      <div className="lw-form-row">
        <SelectField id={id("format")} label={t("workshop.format")} value={form.format} onValue={(format) => set({ format })} error={errors.format}>
          {["on_site", "online", "hybrid"].map((f) => <SelectOption key={f} value={f}>{tc(`format.${f}`)}</SelectOption>)}
        </SelectField>
        <SelectField id={id("language")} label={t("workshop.language")} value={form.language} onValue={(language) => set({ language })} error={errors.language}>
          <SelectOption value="nl">Nederlands</SelectOption>
          <SelectOption value="en">English</SelectOption>
        </SelectField>
      </div>
      <TextField id={id("trainer")} label={t("workshop.trainer")} hint={t("form.optional")} value={form.trainer} onValue={(trainer) => set({ trainer })} error={errors.trainer} autoComplete="off" />
      <SkillPicker
        id={id("skills")}
        legend={ts("workshop.legend")}
        hint={ts("workshop.hint", { max: MAX_WORKSHOP_SKILLS })}
        searchLabel={ts("workshop.search")}
        skills={vocabulary.data ?? []}
        chosen={form.skills}
        onChange={(skills) => set({ skills })}
        max={MAX_WORKSHOP_SKILLS}
        error={skillsError ?? (vocabulary.error ? String((vocabulary.error as Error).message) : undefined)}
      />
      <SelectField id={id("approval")} label={ta("fields.workshopApproval")} value={form.approval} onValue={(approval) => set({ approval })} error={errors.approval}>
        <SelectOption value="">{ta("fields.workshopAsWeek")}</SelectOption>
        <SelectOption value="none">{ta("fields.approvalNone")}</SelectOption>
        <SelectOption value="manager">{ta("fields.approvalManager")}</SelectOption>
      </SelectField>
      <SelectField id={id("audience")} label={t("workshop.audience")} value={form.audience} onValue={(audience) => set({ audience })} error={errors.audience}>
        <SelectOption value="all">{t("workshop.audienceAll")}</SelectOption>
        <SelectOption value="host_only">{t("workshop.audienceHost")}</SelectOption>
        <SelectOption value="listed">{t("workshop.audienceListed")}</SelectOption>
      </SelectField>
      {form.audience === "listed" && (
        <Fieldset invalid={!!errors.audience_organisation_ids}>
          <FieldsetLegend>{t("workshop.audienceWhich")}</FieldsetLegend>
          {errors.audience_organisation_ids && <p className="lw-field-error utrecht-form-field-error-message">{errors.audience_organisation_ids}</p>}
          <div className="lw-checks">
            {audienceOrganisations.map((o) => (
              <FormField type="checkbox" key={o.id} className="lw-check">
                <Checkbox
                  id={id(`aud-${o.id}`)}
                  checked={form.audience_organisation_ids.includes(o.id)}
                  onChange={(e) => toggle(o.id, e.target.checked)}
                />
                <FormLabel htmlFor={id(`aud-${o.id}`)} type="checkbox">{o.name}</FormLabel>
              </FormField>
            ))}
          </div>
        </Fieldset>
      )}
    </>
  );
}
