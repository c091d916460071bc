// The fields of a development week, for creating one and for changing it.
import { Checkbox, Fieldset, FieldsetLegend, FormField, FormFieldErrorMessage, FormLabel, SelectOption } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import type { EventForm } from "./forms";
import { SelectField, TextField } from "./shared";

export function EventFields({
  prefix, form, set, errors, organisations,
}: {
  prefix: string;
  form: EventForm;
  set: (patch: Partial<EventForm>) => void;
  errors: Record<string, string>;
  organisations: Schemas["OrganisationDto"][];
}) {
  const { t } = useTranslation("organiser");
  const { t: ta } = useTranslation("approval");
  const id = (k: string) => `${prefix}-${k}`;
  const orgError = errors.organisation_ids;
  const toggleOrg = (orgId: string, on: boolean) =>
    set({ organisation_ids: on ? [...form.organisation_ids, orgId] : form.organisation_ids.filter((o) => o !== orgId) });

  return (
    <>
      <TextField id={id("name")} label={t("event.name")} required value={form.name} onValue={(name) => set({ name })} error={errors.name} autoComplete="off" />
      <div className="lw-form-row">
        <TextField id={id("starts_on")} type="date" label={t("event.startsOn")} required value={form.starts_on} onValue={(starts_on) => set({ starts_on })} error={errors.starts_on} />
        <TextField id={id("ends_on")} type="date" label={t("event.endsOn")} required value={form.ends_on} onValue={(ends_on) => set({ ends_on })} error={errors.ends_on} />
      </div>
      <div className="lw-form-row">
        <TextField
          id={id("enrolment_opens_at")} type="datetime-local" label={t("event.opens")} hint={t("form.amsterdamTime")} required
          value={form.enrolment_opens_at} onValue={(enrolment_opens_at) => set({ enrolment_opens_at })} error={errors.enrolment_opens_at}
        />
        <TextField
          id={id("enrolment_closes_at")} type="datetime-local" label={t("event.closes")} hint={t("form.amsterdamTime")} required
          value={form.enrolment_closes_at} onValue={(enrolment_closes_at) => set({ enrolment_closes_at })} error={errors.enrolment_closes_at}
        />
      </div>
      <div className="lw-form-row">
        <TextField
          id={id("cancellation_deadline_hours")} type="number" min={0} max={672} label={t("event.deadline")} hint={t("event.deadlineHint")}
          value={form.cancellation_deadline_hours} onValue={(v) => set({ cancellation_deadline_hours: v })} error={errors.cancellation_deadline_hours}
        />
        <TextField
          id={id("max_enrolments_per_person")} type="number" min={1} max={100} label={t("event.limit")} hint={t("event.limitHint")}
          value={form.max_enrolments_per_person} onValue={(v) => set({ max_enrolments_per_person: v })} error={errors.max_enrolments_per_person}
        />
      </div>
      <Fieldset data-field={id("organisation_ids")} invalid={!!orgError} aria-describedby={orgError ? id("orgs-error") : undefined}>
        <FieldsetLegend>
          {t("event.organisations")} <span className="lw-required">{t("form.required")}</span>
        </FieldsetLegend>
        {orgError && <FormFieldErrorMessage id={id("orgs-error")} className="lw-field-error">{orgError}</FormFieldErrorMessage>}
        <div className="lw-checks">
          {organisations.map((o) => (
            <FormField type="checkbox" key={o.id} className="lw-check">
              <Checkbox
                id={id(`org-${o.id}`)}
                checked={form.organisation_ids.includes(o.id)}
                onChange={(e) => toggleOrg(o.id, e.target.checked)}
                invalid={!!orgError}
              />
              <FormLabel htmlFor={id(`org-${o.id}`)} type="checkbox">{o.name}</FormLabel>
            </FormField>
          ))}
        </div>
      </Fieldset>
      <div className="lw-form-row">
        <SelectField
          id={id("allocation")} label={t("event.allocation")} hint={t("event.allocationHint")}
          value={form.allocation} onValue={(allocation) => set({ allocation })} error={errors.allocation}
        >
          <SelectOption value="first_come">{t("event.allocationFirstCome")}</SelectOption>
          <SelectOption value="lottery">{t("event.allocationLottery")}</SelectOption>
        </SelectField>
        {form.allocation === "lottery" && (
          <TextField
            id={id("max_preferences")} type="number" min={1} max={20} label={t("event.maxPreferences")} hint={t("event.maxPreferencesHint")}
            value={form.max_preferences} onValue={(v) => set({ max_preferences: v })} error={errors.max_preferences}
          />
        )}
      </div>
      <div className="lw-form-row">
        <SelectField
          id={id("approval")} label={ta("fields.approval")} hint={ta("fields.approvalHint")}
          value={form.approval} onValue={(approval) => set({ approval })} error={errors.approval}
        >
          <SelectOption value="none">{ta("fields.approvalNone")}</SelectOption>
          <SelectOption value="manager">{ta("fields.approvalManager")}</SelectOption>
        </SelectField>
        {form.approval === "manager" && (
          <TextField
            id={id("approval_hours")} type="number" min={1} max={720} label={ta("fields.approvalHours")} hint={ta("fields.approvalHoursHint")}
            value={form.approval_hours} onValue={(v) => set({ approval_hours: v })} error={errors.approval_hours}
          />
        )}
      </div>
      <SelectField
        id={id("no_show_policy")} label={t("event.noShow")} hint={t("event.noShowHint")}
        value={form.no_show_policy} onValue={(no_show_policy) => set({ no_show_policy })} error={errors.no_show_policy}
      >
        <SelectOption value="automatic">{t("event.noShowAutomatic")}</SelectOption>
        <SelectOption value="on_close">{t("event.noShowOnClose")}</SelectOption>
      </SelectField>
    </>
  );
}
