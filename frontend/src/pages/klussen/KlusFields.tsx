// The fields of a klus, for posting one and for changing it: what, for which unit and whom to
// ask, hours and period ("in overleg" without one), place, the skills asked (each required or
// nice to have), how many people, who may respond, and the last day to respond. Element ids are
// `${prefix}-${field}`, so the first field at fault can take the focus.
import { Checkbox, Fieldset, FieldsetLegend, FormField, FormLabel, RadioButton, SelectOption } from "@utrecht/component-library-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { SkillPicker } from "../../components/SkillPicker";
import { useOrganisations } from "../../hooks/organisations";
import { useSkills } from "../../hooks/skills";
import { MAX_DESCRIPTION, MAX_HOURS, MAX_LOCATION, MAX_PLACES, MAX_SKILLS, MAX_TITLE, PLACES, REACHES, toggleSkill, type AssignmentForm } from "../../klussen";
import { skillName } from "../../skills";
import { SelectField, TextAreaField, TextField } from "../organiser/shared";
import { ContactPicker } from "./ContactPicker";

export interface Scope {
  organisationId: string;
  organisationName: string;
  /** The units one may post for (a manager: their own and those under it); all for organisers. */
  unitFilter: ((unit: { id: string; parent_id?: string | null }, all: { id: string; parent_id?: string | null }[]) => boolean) | null;
  /** Organisers and admins choose the contact from their organisation's people; a manager is the contact. */
  mayChooseContact: boolean;
}

/** Whether `unit` is `root` or lies under it. */
export function under(unit: { id: string; parent_id?: string | null }, root: string, all: { id: string; parent_id?: string | null }[]): boolean {
  const byId = new Map(all.map((u) => [u.id, u]));
  let cur: { id: string; parent_id?: string | null } | undefined = unit;
  for (let i = 0; cur && i < 50; i++) {
    if (cur.id === root) return true;
    cur = cur.parent_id ? byId.get(cur.parent_id) : undefined;
  }
  return false;
}

export function KlusFields({
  prefix, form, set, errors, scope, contactName,
}: {
  prefix: string;
  form: AssignmentForm;
  set: (patch: Partial<AssignmentForm>) => void;
  errors: Record<string, string>;
  scope: Scope;
  contactName: string | null;
}) {
  const { t, i18n } = useTranslation("klussen");
  const { t: to } = useTranslation("organiser");
  const id = (k: string) => `${prefix}-${k}`;
  const vocabulary = useSkills();
  const organisations = useOrganisations();
  const units = useQuery({
    queryKey: ["units", scope.organisationId],
    queryFn: () => unwrap(api.GET("/api/v1/organisations/{id}/units", { params: { path: { id: scope.organisationId } } })),
    staleTime: 300_000,
  });
  const allUnits = units.data ?? [];
  const shownUnits = scope.unitFilter ? allUnits.filter((u) => scope.unitFilter!(u, allUnits) || u.id === form.org_unit_id) : allUnits;
  const partners = (organisations.data ?? []).filter((o) => o.id !== scope.organisationId);
  const names = new Map((vocabulary.data ?? []).map((s) => [s.id, skillName(s, i18n.language)]));
  const setRequired = (skillId: string, required: boolean) =>
    set({ skills: form.skills.map((s) => (s.skill_id === skillId ? { ...s, required } : s)) });

  return (
    <>
      <TextField id={id("title")} label={t("form.title")} required value={form.title} onValue={(title) => set({ title })} error={errors.title} maxLength={MAX_TITLE} autoComplete="off" />
      <TextAreaField id={id("description")} label={t("form.description")} hint={t("form.descriptionHint", { max: MAX_DESCRIPTION })} value={form.description} onValue={(description) => set({ description })} error={errors.description} rows={6} />

      <Fieldset className="lw-fieldset">
        <FieldsetLegend>{t("form.forWhom")}</FieldsetLegend>
        <p className="lw-hint">{t("form.organisation", { name: scope.organisationName })}</p>
        <SelectField id={id("org_unit_id")} label={t("form.unit")} hint={to("form.optional")} value={form.org_unit_id} onValue={(org_unit_id) => set({ org_unit_id })} error={errors.org_unit_id}>
          {!scope.unitFilter && <SelectOption value="">{t("form.noUnit")}</SelectOption>}
          {shownUnits.map((u) => <SelectOption key={u.id} value={u.id}>{u.name}</SelectOption>)}
        </SelectField>
        <ContactPicker
          id={id("contact_person_id")}
          organisationId={scope.organisationId}
          mayChoose={scope.mayChooseContact}
          value={form.contact_person_id}
          currentName={contactName}
          onValue={(contact_person_id) => set({ contact_person_id })}
          error={errors.contact_person_id}
        />
      </Fieldset>

      <Fieldset className="lw-fieldset">
        <FieldsetLegend>{t("form.time")}</FieldsetLegend>
        <div className="lw-form-row">
          <TextField id={id("hours_per_week")} label={t("form.hours")} hint={t("form.hoursHint", { max: MAX_HOURS })} required type="number" inputMode="numeric" min={1} max={MAX_HOURS} value={form.hours_per_week} onValue={(hours_per_week) => set({ hours_per_week })} error={errors.hours_per_week} />
          <TextField id={id("places")} label={t("form.places")} hint={t("form.placesHint", { max: MAX_PLACES })} required type="number" inputMode="numeric" min={1} max={MAX_PLACES} value={form.places} onValue={(places) => set({ places })} error={errors.places} />
        </div>
        <FormField type="checkbox" className="lw-check">
          <Checkbox id={id("agreed")} checked={form.agreed} onChange={(e) => set({ agreed: e.target.checked })} aria-describedby={id("agreed-hint")} />
          <FormLabel htmlFor={id("agreed")} type="checkbox">{t("form.agreed")}</FormLabel>
        </FormField>
        <p id={id("agreed-hint")} className="lw-hint">{t("form.agreedHint")}</p>
        {!form.agreed && (
          <div className="lw-form-row">
            <TextField id={id("starts_on")} label={t("form.startsOn")} required type="date" value={form.starts_on} onValue={(starts_on) => set({ starts_on })} error={errors.starts_on} />
            <TextField id={id("ends_on")} label={t("form.endsOn")} required type="date" value={form.ends_on} onValue={(ends_on) => set({ ends_on })} error={errors.ends_on} />
          </div>
        )}
        <TextField id={id("closes_on")} label={t("form.closesOn")} hint={t("form.closesOnHint")} required type="date" value={form.closes_on} onValue={(closes_on) => set({ closes_on })} error={errors.closes_on} />
      </Fieldset>

      <Fieldset className="lw-radios" invalid={!!errors.place}>
        <FieldsetLegend>{t("form.place")}</FieldsetLegend>
        {errors.place && <p className="lw-field-error utrecht-form-field-error-message">{errors.place}</p>}
        {PLACES.map((p) => (
          <FormField type="radio" key={p} className="lw-check">
            <RadioButton id={id(`place-${p}`)} name={id("place")} value={p} checked={form.place === p} onChange={() => set({ place: p })} />
            <FormLabel htmlFor={id(`place-${p}`)} type="radio">{t(`place.${p}`)}</FormLabel>
          </FormField>
        ))}
      </Fieldset>
      {form.place !== "remote" && (
        <TextField id={id("location")} label={t("form.location")} hint={to("form.optional")} value={form.location} onValue={(location) => set({ location })} error={errors.location} maxLength={MAX_LOCATION} autoComplete="off" />
      )}

      <SkillPicker
        id={id("skills")}
        legend={t("form.skills")}
        hint={t("form.skillsHint", { max: MAX_SKILLS })}
        searchLabel={t("form.skillsSearch")}
        skills={vocabulary.data ?? []}
        chosen={form.skills.map((s) => s.skill_id)}
        onChange={(ids) => set({ skills: toggleSkill(form.skills, ids) })}
        max={MAX_SKILLS}
        error={errors.skills}
      />
      {form.skills.length > 0 && (
        <div className="lw-klus-needs">
          <p className="lw-hint" id={id("needs-hint")}>{t("form.needsHint")}</p>
          {form.skills.map((s) => {
            const name = names.get(s.skill_id) ?? s.skill_id;
            return (
              <Fieldset key={s.skill_id} className="lw-radios lw-klus-need" aria-describedby={id("needs-hint")}>
                <FieldsetLegend>{name}</FieldsetLegend>
                <FormField type="radio" className="lw-check">
                  <RadioButton id={id(`need-${s.skill_id}-r`)} name={id(`need-${s.skill_id}`)} checked={s.required} onChange={() => setRequired(s.skill_id, true)} />
                  <FormLabel htmlFor={id(`need-${s.skill_id}-r`)} type="radio">{t("form.required")}</FormLabel>
                </FormField>
                <FormField type="radio" className="lw-check">
                  <RadioButton id={id(`need-${s.skill_id}-n`)} name={id(`need-${s.skill_id}`)} checked={!s.required} onChange={() => setRequired(s.skill_id, false)} />
                  <FormLabel htmlFor={id(`need-${s.skill_id}-n`)} type="radio">{t("form.nice")}</FormLabel>
                </FormField>
              </Fieldset>
            );
          })}
        </div>
      )}

      <Fieldset className="lw-radios" invalid={!!errors.reach}>
        <FieldsetLegend>{t("form.reach")}</FieldsetLegend>
        {errors.reach && <p className="lw-field-error utrecht-form-field-error-message">{errors.reach}</p>}
        {REACHES.map((r) => (
          <FormField type="radio" key={r} className="lw-check">
            <RadioButton id={id(`reach-${r}`)} name={id("reach")} value={r} checked={form.reach === r} onChange={() => set({ reach: r })} />
            <FormLabel htmlFor={id(`reach-${r}`)} type="radio">{r === "own" ? t("form.reachOwn", { name: scope.organisationName }) : t(`reach.${r}`)}</FormLabel>
          </FormField>
        ))}
      </Fieldset>
      {form.reach === "partners" && (
        <Fieldset invalid={!!errors.partners} data-field={id("partners")} aria-describedby={errors.partners ? id("partners-error") : undefined}>
          <FieldsetLegend>{t("form.partners")}</FieldsetLegend>
          {errors.partners && <p id={id("partners-error")} className="lw-field-error utrecht-form-field-error-message">{errors.partners}</p>}
          <div className="lw-checks">
            {partners.map((o) => (
              <FormField type="checkbox" key={o.id} className="lw-check">
                <Checkbox
                  id={id(`partner-${o.id}`)}
                  checked={form.partners.includes(o.id)}
                  onChange={(e) => set({ partners: e.target.checked ? [...form.partners, o.id] : form.partners.filter((x) => x !== o.id) })}
                />
                <FormLabel htmlFor={id(`partner-${o.id}`)} type="checkbox">{o.name}</FormLabel>
              </FormField>
            ))}
          </div>
        </Fieldset>
      )}
    </>
  );
}
