// Choosing skills from the vocabulary: a search field that shortens a list of checkboxes (the
// chosen ones always stay in view), the number chosen announced as it changes, and a maximum.
// Keyboard: Tab to the search field, type, Tab to a skill, Space to tick it.
import { Checkbox, FormField, FormLabel, Textbox } from "@utrecht/component-library-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { matches, pickerOptions, skillName, toggle, type Skill } from "../skills";

export function SkillPicker({
  id, legend, hint, searchLabel, skills, chosen, onChange, exclude = [], max, error,
}: {
  /** Prefix of the element ids (the search field is `${id}-q`). */
  id: string;
  legend: string;
  hint?: string;
  searchLabel: string;
  skills: Pick<Skill, "id" | "name_nl" | "name_en">[];
  chosen: string[];
  onChange: (ids: string[]) => void;
  /** Skills not offered here (e.g. those in the person's other list). */
  exclude?: string[];
  max?: number;
  error?: string;
}) {
  const { t, i18n } = useTranslation("skills");
  const [query, setQuery] = useState("");
  const { shown, hidden } = pickerOptions(skills, { query, chosen, exclude, language: i18n.language });
  // Nothing found: not one skill in view (chosen or not) matches what was typed.
  const noMatch = query.trim() !== "" && !shown.some((s) => matches(s, query));
  const full = max !== undefined && chosen.length >= max;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;

  return (
    <fieldset className="lw-skillpicker" aria-describedby={describedBy} data-field={id}>
      <legend>{legend}</legend>
      {hint && <p id={`${id}-hint`} className="lw-hint">{hint}</p>}
      {error && <p id={`${id}-error`} className="lw-field-error utrecht-form-field-error-message">{error}</p>}
      {skills.length === 0 ? (
        <p className="lw-hint">{t("picker.none")}</p>
      ) : (
        <>
          <FormField className="lw-skillpicker__search">
            <FormLabel htmlFor={`${id}-q`}>{searchLabel}</FormLabel>
            <Textbox id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
          </FormField>
          <p role="status" className="lw-hint lw-skillpicker__count">
            {max !== undefined ? t("picker.chosenMax", { count: chosen.length, max }) : t("picker.chosen", { count: chosen.length })}
            {noMatch && <> {t("picker.noMatch", { q: query.trim() })}</>}
            {full && <> {t("picker.full", { max })}</>}
          </p>
          <div className="lw-checks">
            {shown.map((s) => {
              const on = chosen.includes(s.id);
              return (
                <FormField type="checkbox" key={s.id} className="lw-check">
                  <Checkbox
                    id={`${id}-${s.id}`}
                    checked={on}
                    disabled={!on && full}
                    onChange={(e) => onChange(toggle(chosen, s.id, e.target.checked, max))}
                  />
                  <FormLabel htmlFor={`${id}-${s.id}`} type="checkbox">{skillName(s, i18n.language)}</FormLabel>
                </FormField>
              );
            })}
          </div>
          {hidden > 0 && <p className="lw-hint">{t("picker.more", { count: hidden })}</p>}
        </>
      )}
    </fieldset>
  );
}
