// Responding to a klus: a motivation and, if one likes, the klus's skills one brings besides
// those in one's own list (ticking one shows at once what it does to the fit). Checked before sending (an empty motivation);
// the server's word on a field stands next to that field, anything else in an alert above.
import { Checkbox, Fieldset, FieldsetLegend, FormField, FormLabel, Paragraph } from "@utrecht/component-library-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Assignment } from "../../api/klussen";
import { ProblemAlert } from "../../components/States";
import { useRespond } from "../../hooks/klussen";
import { askedSorted, fitText, fitWith, formField, MAX_MOTIVATION, needName, partNames } from "../../klussen";
import { fieldErrors } from "../organiser/forms";
import { SaveButton, TextAreaField } from "../organiser/shared";

export function RespondForm({ a, onDone }: { a: Assignment; onDone: () => void }) {
  const { t, i18n } = useTranslation("klussen");
  const respond = useRespond(a.id);
  const had = new Set((a.fit?.parts ?? []).filter((p) => p.standing === "has").map((p) => p.skill_id));
  const [motivation, setMotivation] = useState("");
  // Skills in one's own list count already; the boxes are for the others.
  const [brought, setBrought] = useState<string[]>([]);
  const offered = askedSorted(a.skills).filter((s) => !had.has(s.skill_id));
  const already = askedSorted(a.skills).filter((s) => had.has(s.skill_id));
  const [empty, setEmpty] = useState(false);

  // The server's word on our two fields goes next to them; a problem about anything else goes above.
  const server = Object.fromEntries(
    Object.entries(fieldErrors(respond.error)).map(([k, v]) => [formField(k), v]).filter(([k]) => k === "motivation" || k === "skills"),
  ) as Record<string, string>;
  const motivationError = empty ? t("respond.motivationMissing") : server.motivation;
  const skillsError = server.skills;
  const preview = a.fit && a.fit.parts.length > 0 ? fitText(fitWith(a.fit, brought), t, "me", i18n.language).headline : null;
  const length = [...motivation].length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    respond.reset();
    if (motivation.trim() === "") {
      setEmpty(true);
      document.getElementById("respond-motivation")?.focus();
      return;
    }
    setEmpty(false);
    respond.mutate(
      { motivation: motivation.trim(), skills: brought },
      {
        onSuccess: onDone,
        onError: (err) => {
          const fields = Object.keys(fieldErrors(err)).map(formField);
          if (fields.includes("motivation")) document.getElementById("respond-motivation")?.focus();
          else if (fields.includes("skills")) document.querySelector<HTMLElement>("#respond-skills input")?.focus();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="lw-form" aria-labelledby="respond-h">
      <ProblemAlert error={respond.error && Object.keys(server).length === 0 ? respond.error : null} title={t("respond.failed")} />
      {Object.keys(server).length > 0 && (
        <p role="alert" className="lw-field-error">{t("respond.fixFields")}</p>
      )}
      <TextAreaField
        id="respond-motivation"
        label={t("respond.motivation")}
        required
        rows={6}
        value={motivation}
        onValue={(v) => { setMotivation(v); setEmpty(false); }}
        error={motivationError}
        hint={<>{t("respond.motivationHint")} {t("respond.count", { count: length, max: MAX_MOTIVATION })}</>}
      />
      {offered.length > 0 && (
        <Fieldset id="respond-skills" invalid={!!skillsError} aria-describedby={["respond-skills-hint", skillsError ? "respond-skills-error" : ""].filter(Boolean).join(" ")}>
          <FieldsetLegend>{t("respond.skills")}</FieldsetLegend>
          <p id="respond-skills-hint" className="lw-hint">{t("respond.skillsHint")}</p>
          {skillsError && <p id="respond-skills-error" className="lw-field-error utrecht-form-field-error-message">{skillsError}</p>}
          <div className="lw-checks">
            {offered.map((s) => (
              <FormField type="checkbox" key={s.skill_id} className="lw-check">
                <Checkbox
                  id={`bring-${s.skill_id}`}
                  checked={brought.includes(s.skill_id)}
                  onChange={(e) => setBrought((b) => (e.target.checked ? [...b, s.skill_id] : b.filter((x) => x !== s.skill_id)))}
                />
                <FormLabel htmlFor={`bring-${s.skill_id}`} type="checkbox">
                  {s.required ? t("fit.requiredName", { name: needName(s, i18n.language) }) : needName(s, i18n.language)}
                </FormLabel>
              </FormField>
            ))}
          </div>
          {preview && <p className="lw-hint" aria-live="polite">{t("respond.preview", { fit: preview })}</p>}
        </Fieldset>
      )}
      {already.length > 0 && <p className="lw-hint">{t("respond.already", { names: partNames(already, t, i18n.language) })}</p>}
      <Paragraph className="lw-hint">{t("respond.who", { organisation: a.organisation_name })}</Paragraph>
      <div className="lw-buttons">
        <SaveButton busy={respond.isPending}>{t("respond.send")}</SaveButton>
      </div>
    </form>
  );
}
