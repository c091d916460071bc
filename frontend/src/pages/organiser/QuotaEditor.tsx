// The seats an existing session keeps per organisation until a moment: change, add or remove
// rows, then save them all at once (the server replaces the quotas and checks them).
import { Button, Heading2, Paragraph, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { ProblemAlert, Success } from "../../components/States";
import { fieldErrors, type QuotaForm, type SessionDto } from "./forms";
import { quotaErrorsByRow, quotaRowsOf, quotasBody } from "./manage";
import { SaveButton, SelectField, TextField } from "./shared";

export function QuotaEditor({
  session, zone, organisations,
}: { session: SessionDto; zone: string; organisations: Schemas["OrganisationDto"][] }) {
  const { t } = useTranslation("manage", { keyPrefix: "quotas" });
  const { t: to } = useTranslation("organiser");
  const qc = useQueryClient();
  const [rows, setRows] = useState<QuotaForm[]>(() => quotaRowsOf(session.quotas, zone));
  const [incomplete, setIncomplete] = useState<number[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (quotas: Schemas["QuotaInput"][]) =>
      unwrap(api.PATCH("/api/v1/sessions/{id}", { params: { path: { id: session.id } }, body: { quotas } })),
    onSuccess: async (s) => {
      qc.setQueryData(["session", session.id], s);
      setRows(quotaRowsOf(s.quotas, zone));
      setDone(s.quotas.length === 0 ? t("savedNone") : t("saved"));
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["workshop-sessions", session.workshop_id] }),
        qc.invalidateQueries({ queryKey: ["programme", session.event_id] }),
      ]);
    },
  });
  const errors = quotaErrorsByRow(fieldErrors(save.error));
  const used = new Map(session.quotas.map((q) => [q.organisation_id, q]));
  const set = (i: number, p: Partial<QuotaForm>) => {
    setDone(null);
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...p } : r)));
  };
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setDone(null);
    save.reset();
    const body = quotasBody(rows, zone);
    if ("incomplete" in body) {
      setIncomplete(body.incomplete);
      document.getElementById(`qe-${body.incomplete[0]}-org`)?.focus();
      return;
    }
    setIncomplete([]);
    save.mutate(body.quotas);
  };
  const rowError = (i: number, field: keyof QuotaForm) =>
    errors[`${i}.${field}`] ?? (incomplete.includes(i) && !rows[i]?.[field].trim() ? t("incomplete") : undefined);

  return (
    <section aria-labelledby="quotas-h" className="lw-card">
      <Heading2 id="quotas-h">{t("title")}</Heading2>
      <Paragraph className="lw-hint">{t("hint")}</Paragraph>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={save.error} title={to("form.notSaved")} />
        {errors.quotas && <p className="lw-field-error utrecht-form-field-error-message">{errors.quotas}</p>}
        {rows.length === 0 && <Paragraph>{t("none")}</Paragraph>}
        {rows.map((r, i) => {
          const q = used.get(r.organisation_id);
          return (
            <div key={i} className="lw-form-row lw-quota" role="group" aria-label={t("row", { n: i + 1 })}>
              <SelectField id={`qe-${i}-org`} label={t("org")} value={r.organisation_id} onValue={(organisation_id) => set(i, { organisation_id })} error={rowError(i, "organisation_id")}>
                <SelectOption value="">{t("choose")}</SelectOption>
                {organisations.map((o) => <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>)}
              </SelectField>
              <TextField
                id={`qe-${i}-seats`} type="number" min={1} label={t("seats")} value={r.seats}
                onValue={(seats) => set(i, { seats })} error={rowError(i, "seats")}
                hint={q ? t("used", { used: q.used, seats: q.seats }) : undefined}
              />
              <TextField
                id={`qe-${i}-release`} type="datetime-local" label={t("release")} hint={to("form.amsterdamTime")}
                value={r.release_at} onValue={(release_at) => set(i, { release_at })} error={rowError(i, "release_at")}
              />
              <div className="lw-quota__remove">
                <Button appearance="subtle-button" onClick={() => { setDone(null); setRows((rs) => rs.filter((_, j) => j !== i)); }}>
                  {t("remove", { n: i + 1 })}
                </Button>
              </div>
            </div>
          );
        })}
        <div className="lw-buttons">
          <Button appearance="secondary-action-button" onClick={() => { setDone(null); setRows((rs) => [...rs, { organisation_id: "", seats: "", release_at: "" }]); }}>
            {t("add")}
          </Button>
          <SaveButton busy={save.isPending}>{t("save")}</SaveButton>
        </div>
      </form>
    </section>
  );
}
