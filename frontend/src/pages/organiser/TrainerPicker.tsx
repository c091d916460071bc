// A session's trainer, chosen from the people of the host organisation: a search field and the
// matches as radio buttons (arrow keys move between them, as in any radio group), then save.
import { Button, Fieldset, FieldsetLegend, FormField, FormLabel, Heading2, Paragraph, RadioButton } from "@utrecht/component-library-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemAlert, Success } from "../../components/States";
import type { SessionDto } from "./forms";
import { TextField } from "./shared";

const PAGE = 10;

/** The typed text, settled for a moment (no request per keystroke). */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function TrainerPicker({ session, hostName }: { session: SessionDto; hostName: string }) {
  const { t } = useTranslation("manage", { keyPrefix: "trainer" });
  const qc = useQueryClient();
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<Schemas["PersonDto"] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pickFirst, setPickFirst] = useState(false);
  const q = useSettled(query.trim());
  const current = useQuery({
    queryKey: ["person", session.trainer_id],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}", { params: { path: { id: session.trainer_id! } } })),
    enabled: !!session.trainer_id,
    retry: false,
  });
  const found = useQuery({
    queryKey: ["people-search", session.host_organisation_id, q],
    queryFn: () =>
      unwrap(api.GET("/api/v1/people", {
        params: { query: { organisation_id: session.host_organisation_id, q, per_page: PAGE } },
      })),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
  });
  const save = useMutation({
    mutationFn: (trainer_id: string | null) =>
      unwrap(api.PATCH("/api/v1/sessions/{id}", { params: { path: { id: session.id } }, body: { trainer_id } })),
    onSuccess: (s, trainer) => {
      qc.setQueryData(["session", session.id], s);
      setDone(trainer && chosen ? t("saved", { name: chosen.name }) : t("removed"));
      setChosen(null);
      setQuery("");
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setDone(null);
    save.reset();
    if (!chosen) {
      setPickFirst(true);
      document.getElementById("trainer-search")?.focus();
      return;
    }
    setPickFirst(false);
    save.mutate(chosen.id);
  };
  const items = q.length >= 2 ? (found.data?.items ?? []) : [];
  const total = found.data?.total ?? 0;
  const currentName = session.trainer_id
    ? current.data
      ? t("current", { name: `${current.data.name} (${current.data.email})` })
      : current.error
        ? t("currentOther")
        : null
    : t("none");

  return (
    <section aria-labelledby="trainer-h" className="lw-card">
      <Heading2 id="trainer-h">{t("title")}</Heading2>
      <Paragraph className="lw-hint">{t("hint")}</Paragraph>
      {currentName === null ? <Loading /> : <Paragraph>{currentName}</Paragraph>}
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={save.error ?? found.error} />
        <TextField
          id="trainer-search"
          type="search"
          label={t("search", { org: hostName })}
          hint={t("searchHint")}
          value={query}
          onValue={(v) => { setQuery(v); setDone(null); }}
          error={pickFirst && !chosen ? t("pickFirst") : undefined}
          autoComplete="off"
        />
        {q.length >= 2 && (
          <p role="status" className="lw-count">
            {found.isPending ? "" : items.length === 0 ? t("noResults") : t("count", { count: total })}
            {total > items.length && <> {t("more")}</>}
          </p>
        )}
        {items.length > 0 && (
          <Fieldset>
            <FieldsetLegend>{t("choose")}</FieldsetLegend>
            <div className="lw-checks lw-checks--list">
              {items.map((p) => (
                <FormField type="radio" key={p.id} className="lw-check">
                  <RadioButton
                    id={`trainer-${p.id}`}
                    name="trainer"
                    value={p.id}
                    checked={chosen?.id === p.id}
                    onChange={() => { setChosen(p); setPickFirst(false); }}
                  />
                  <FormLabel htmlFor={`trainer-${p.id}`} type="radio">
                    {p.name} <span className="lw-hint">({p.email})</span>
                  </FormLabel>
                </FormField>
              ))}
            </div>
          </Fieldset>
        )}
        <div className="lw-buttons">
          <Button type="submit" appearance="primary-action-button" busy={save.isPending && save.variables !== null} disabled={save.isPending}>
            {t("save")}
          </Button>
          {session.trainer_id && (
            <Button appearance="secondary-action-button" onClick={() => { setDone(null); save.mutate(null); }} disabled={save.isPending}>
              {t("remove")}
            </Button>
          )}
        </div>
      </form>
    </section>
  );
}
