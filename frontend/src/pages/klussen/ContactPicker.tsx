// Whom respondents ask about a klus. Organisers and admins search their organisation's people
// (a search field, the matches as radio buttons); a manager is the contact of what they post.
import { Fieldset, FieldsetLegend, FormField, FormLabel, RadioButton } from "@utrecht/component-library-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { TextField } from "../organiser/shared";

export function ContactPicker({
  id, organisationId, mayChoose, value, currentName, onValue, error,
}: {
  id: string;
  organisationId: string;
  mayChoose: boolean;
  value: string;
  currentName: string | null;
  onValue: (personId: string) => void;
  error?: string;
}) {
  const { t } = useTranslation("klussen");
  const [query, setQuery] = useState("");
  const [settled, setSettled] = useState("");
  const [chosenName, setChosenName] = useState<string | null>(null);
  useEffect(() => {
    const h = setTimeout(() => setSettled(query.trim()), 250);
    return () => clearTimeout(h);
  }, [query]);
  const found = useQuery({
    queryKey: ["people-search", organisationId, settled],
    queryFn: () => unwrap(api.GET("/api/v1/people", { params: { query: { organisation_id: organisationId, q: settled, per_page: 10 } } })),
    enabled: mayChoose && settled.length >= 2,
    placeholderData: keepPreviousData,
  });
  const name = chosenName ?? currentName;

  if (!mayChoose) {
    return (
      <p id={id} className="lw-hint">{t("form.contactYou", { name: currentName ?? "" })}</p>
    );
  }
  const items = settled.length >= 2 ? (found.data?.items ?? []) : [];
  return (
    <div className="lw-contact">
      <p id={`${id}-current`}>{name ? t("form.contactNow", { name }) : t("form.contactNone")}</p>
      <TextField
        id={`${id}-search`}
        type="search"
        label={t("form.contactSearch")}
        hint={t("form.contactHint")}
        value={query}
        onValue={setQuery}
        error={error}
        autoComplete="off"
      />
      {settled.length >= 2 && (
        <p role="status" className="lw-count">
          {found.isPending ? "" : items.length === 0 ? t("form.contactNoResults") : t("form.contactCount", { count: found.data?.total ?? items.length })}
        </p>
      )}
      {items.length > 0 && (
        <Fieldset>
          <FieldsetLegend>{t("form.contactChoose")}</FieldsetLegend>
          <div className="lw-checks lw-checks--list">
            {items.map((p) => (
              <FormField type="radio" key={p.id} className="lw-check">
                <RadioButton
                  id={`${id}-${p.id}`}
                  name={id}
                  value={p.id}
                  checked={value === p.id}
                  onChange={() => { onValue(p.id); setChosenName(p.name); }}
                />
                <FormLabel htmlFor={`${id}-${p.id}`} type="radio">
                  {p.name} <span className="lw-hint">({p.email})</span>
                </FormLabel>
              </FormField>
            ))}
          </div>
        </Fieldset>
      )}
    </div>
  );
}
