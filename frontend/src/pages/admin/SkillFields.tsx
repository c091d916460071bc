// The fields of a skill in the console (adding one and changing one), with a search of the
// uploaded ESCO list above them: picking a result fills the names and the link.
import { Button, Paragraph } from "@utrecht/component-library-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Empty, ProblemAlert } from "../../components/States";
import { useSkills } from "../../hooks/skills";
import { skillName } from "../../skills";
import { TextAreaField, TextField } from "../organiser/shared";
import { fromEsco, type SkillForm } from "./skillForm";

/** Is any ESCO skill known? (The API has no count of them: a search for a letter nearly every label has.) */
export function useEscoKnown() {
  return useQuery({
    queryKey: ["esco-known"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/skills/esco", { params: { query: { q: "e", limit: 1 } } }))).length > 0,
    staleTime: 300_000,
  });
}

function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function SkillFields({
  prefix, form, set, errors, self,
}: {
  prefix: string;
  form: SkillForm;
  set: (patch: Partial<SkillForm>) => void;
  errors: Record<string, string>;
  /** The skill being changed (its own ESCO link is not "taken"). */
  self?: string;
}) {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const id = (k: string) => `${prefix}-${k}`;
  return (
    <>
      <EscoSearch prefix={prefix} self={self} onPick={(m) => set(fromEsco(form, m))} />
      <div className="lw-form-row">
        <TextField id={id("name_nl")} label={t("nameNl")} required value={form.name_nl} onValue={(name_nl) => set({ name_nl })} error={errors.name_nl} autoComplete="off" maxLength={100} />
        <TextField id={id("name_en")} label={t("nameEn")} value={form.name_en} onValue={(name_en) => set({ name_en })} error={errors.name_en} autoComplete="off" maxLength={100} lang="en" />
      </div>
      <TextAreaField id={id("description")} label={t("description")} value={form.description} onValue={(description) => set({ description })} error={errors.description} rows={3} />
      <TextField id={id("esco_uri")} type="url" label={t("escoLink")} hint={t("escoLinkHint")} value={form.esco_uri} onValue={(esco_uri) => set({ esco_uri })} error={errors.esco_uri} autoComplete="off" />
    </>
  );
}

function EscoSearch({ prefix, self, onPick }: { prefix: string; self?: string; onPick: (m: Schemas["EscoMatchDto"]) => void }) {
  const { t, i18n } = useTranslation("skills", { keyPrefix: "admin" });
  const known = useEscoKnown();
  const skills = useSkills();
  const [query, setQuery] = useState("");
  const [picked, setPicked] = useState<string | null>(null);
  const q = useSettled(query.trim());
  const found = useQuery({
    queryKey: ["esco", q],
    queryFn: () => unwrap(api.GET("/api/v1/skills/esco", { params: { query: { q, limit: 10 } } })),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
  });
  if (known.isPending) return null;
  if (known.data === false) return <Empty>{t("escoNone")}</Empty>;
  const items = q.length >= 2 ? (found.data ?? []) : [];
  const nameOf = (skillId: string) => {
    const s = skills.data?.find((x) => x.id === skillId);
    return s ? skillName(s, i18n.language) : null;
  };
  const label = (m: Schemas["EscoMatchDto"]) => (i18n.language === "en" ? m.label_en ?? m.label_nl : m.label_nl ?? m.label_en) ?? m.uri;

  return (
    <div className="lw-esco">
      <TextField
        id={`${prefix}-esco`}
        type="search"
        label={t("escoSearch")}
        hint={t("escoSearchHint")}
        value={query}
        onValue={(v) => {
          setQuery(v);
          setPicked(null);
        }}
        // Enter searches here; it does not send the form around it.
        onKeyDown={(e) => {
          if (e.key === "Enter") e.preventDefault();
        }}
        autoComplete="off"
      />
      <ProblemAlert error={found.error} />
      <p role="status" className="lw-count">
        {picked
          ? t("escoPicked", { label: picked })
          : q.length >= 2 && found.data
            ? items.length === 0
              ? t("escoNoMatch")
              : t("escoCount", { count: items.length })
            : ""}
      </p>
      {items.length > 0 && !picked && (
        <ul className="lw-plain-list lw-esco__results" aria-label={t("escoResults")}>
          {items.map((m) => {
            const taken = m.skill_id && m.skill_id !== self ? m.skill_id : null;
            const takenBy = taken ? nameOf(taken) : null;
            return (
              <li key={m.uri} className="lw-esco__result">
                <Paragraph>
                  <strong lang="nl">{m.label_nl ?? "—"}</strong>
                  {m.label_en && <> · <span lang="en">{m.label_en}</span></>}
                </Paragraph>
                {m.description && <p className="lw-hint lw-esco__description">{m.description}</p>}
                {taken ? (
                  <p className="lw-hint"><strong>{takenBy ? t("escoTakenBy", { name: takenBy }) : t("escoTaken")}</strong></p>
                ) : (
                  <Button
                    appearance="secondary-action-button"
                    onClick={() => {
                      onPick(m);
                      setPicked(label(m));
                    }}
                  >
                    {t("escoPick", { label: label(m) })}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
