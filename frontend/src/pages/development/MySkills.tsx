// "Mijn vaardigheden": the skills a person has and wants to grow in (chosen from the vocabulary,
// saved together), and a self-rating from 1 to 5 per skill with its history and growth in words.
import { Button, Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { SkillPicker } from "../../components/SkillPicker";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { calendarDate } from "../../format";
import { useMySkills, useSkills } from "../../hooks/skills";
import { fieldErrors } from "../organiser/forms";
import { SaveButton } from "../organiser/shared";
import { byName, growth, latest, listsChanged, place, signed, skillName, type Lists, type RatedSkill, type Skill } from "../../skills";

type Mine = Schemas["MySkillsDto"];
const LEVELS = [1, 2, 3, 4, 5] as const;

const listsOf = (m: Mine): Lists => ({ have: m.have.map((s) => s.id), want: m.want.map((s) => s.id) });

export function MySkills() {
  const { t } = useTranslation("skills");
  const mine = useMySkills();
  const vocabulary = useSkills();
  return (
    <section aria-labelledby="my-skills-h" className="lw-dev-section">
      <Heading2 id="my-skills-h">{t("mine.title")}</Heading2>
      <Paragraph>{t("mine.intro")}</Paragraph>
      {mine.isPending || vocabulary.isPending ? (
        <Loading />
      ) : mine.error || vocabulary.error ? (
        <ProblemAlert error={mine.error ?? vocabulary.error} />
      ) : (
        <>
          {vocabulary.data.length === 0 ? (
            <Empty>{t("mine.noVocabulary")}</Empty>
          ) : (
            <SkillLists mine={mine.data} vocabulary={vocabulary.data} />
          )}
          <Ratings mine={mine.data} />
        </>
      )}
    </section>
  );
}

function SkillLists({ mine, vocabulary }: { mine: Mine; vocabulary: Skill[] }) {
  const { t, i18n } = useTranslation("skills");
  const qc = useQueryClient();
  const [lists, setLists] = useState<Lists>(() => listsOf(mine));
  const [saved, setSaved] = useState(false);
  const [nothing, setNothing] = useState(false);
  const save = useMutation({
    mutationFn: (body: Lists) => unwrap(api.PUT("/api/v1/me/skills", { body })),
    onSuccess: async (m) => {
      qc.setQueryData(["my-skills"], m);
      setSaved(true);
      // The suggestions follow the wanted skills.
      await Promise.all([qc.invalidateQueries({ queryKey: ["skills"] }), qc.invalidateQueries({ queryKey: ["portfolio"] })]);
    },
  });
  const changed = listsChanged(listsOf(mine), lists);
  const errors = fieldErrors(save.error);
  const listError = (list: keyof Lists) =>
    Object.entries(errors).filter(([k]) => k === list || k.startsWith(`${list}[`)).map(([, v]) => v).join(" ") || undefined;
  const set = (list: keyof Lists) => (ids: string[]) => {
    setSaved(false);
    setNothing(false);
    setLists((l) => {
      let next = l;
      for (const id of l[list]) if (!ids.includes(id)) next = place(next, id, list, false);
      for (const id of ids) next = place(next, id, list, true);
      return next;
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.reset();
    if (!changed) {
      setNothing(true);
      return;
    }
    save.mutate(lists);
  };
  const names = (ids: string[]) =>
    byName(vocabulary.filter((s) => ids.includes(s.id)), i18n.language).map((s) => skillName(s, i18n.language)).join(", ");

  return (
    <form onSubmit={submit} noValidate className="lw-form lw-card">
      {mine.have.length === 0 && mine.want.length === 0 ? (
        <Empty>{t("mine.nothingChosen")}</Empty>
      ) : (
        <Paragraph>
          {t("mine.summary", {
            have: names(listsOf(mine).have) || t("mine.summaryNone"),
            want: names(listsOf(mine).want) || t("mine.summaryNone"),
          })}
        </Paragraph>
      )}
      <div className="lw-form-row lw-form-row--top">
        <SkillPicker
          id="want"
          legend={t("mine.want")}
          hint={t("mine.wantHint")}
          searchLabel={t("mine.wantSearch")}
          skills={vocabulary}
          chosen={lists.want}
          exclude={lists.have}
          onChange={set("want")}
          error={listError("want")}
        />
        <SkillPicker
          id="have"
          legend={t("mine.have")}
          hint={t("mine.haveHint")}
          searchLabel={t("mine.haveSearch")}
          skills={vocabulary}
          chosen={lists.have}
          exclude={lists.want}
          onChange={set("have")}
          error={listError("have")}
        />
      </div>
      <div aria-live="polite">
        {saved && <Success>{t("mine.saved")}</Success>}
        {nothing && <Paragraph className="lw-hint">{t("mine.noChanges")}</Paragraph>}
      </div>
      <ProblemAlert error={save.error} />
      <div className="lw-buttons">
        <SaveButton busy={save.isPending}>{t("mine.save")}</SaveButton>
        {changed && !save.isPending && <span className="lw-hint">{t("mine.unsaved")}</span>}
      </div>
    </form>
  );
}

function Ratings({ mine }: { mine: Mine }) {
  const { t, i18n } = useTranslation("skills");
  const rated = new Map(mine.rated.map((r) => [r.skill.id, r]));
  const listed = new Set([...mine.have, ...mine.want].map((s) => s.id));
  const all = new Map<string, Skill>();
  for (const s of [...mine.want, ...mine.have, ...mine.rated.map((r) => r.skill)]) all.set(s.id, s);
  const skills = byName([...all.values()], i18n.language);
  return (
    <section aria-labelledby="rate-h" className="lw-rate-section">
      <Heading3 id="rate-h">{t("rate.title")}</Heading3>
      {skills.length === 0 ? (
        <Empty>{t("rate.empty")}</Empty>
      ) : (
        <>
          <Paragraph>{t("rate.intro")}</Paragraph>
          <ul className="lw-plain-list lw-rates">
            {skills.map((s) => (
              <li key={s.id} className="lw-card lw-rate">
                <RateSkill skill={s} rated={rated.get(s.id)} listed={listed.has(s.id)} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function RateSkill({ skill, rated, listed }: { skill: Skill; rated?: RatedSkill; listed: boolean }) {
  const { t, i18n } = useTranslation("skills");
  const qc = useQueryClient();
  const name = skillName(skill, i18n.language);
  const last = latest(rated);
  const [level, setLevel] = useState<number | null>(last?.level ?? null);
  const [done, setDone] = useState<number | null>(null);
  const [pickFirst, setPickFirst] = useState(false);
  const assess = useMutation({
    mutationFn: (l: number) => unwrap(api.POST("/api/v1/me/skills/assessments", { body: { skill_id: skill.id, level: l } })),
    onSuccess: (m, l) => {
      qc.setQueryData(["my-skills"], m);
      setDone(l);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    assess.reset();
    if (level === null) {
      setPickFirst(true);
      return;
    }
    setPickFirst(false);
    assess.mutate(level);
  };
  const id = `rate-${skill.id}`;
  const g = rated ? growth(rated) : null;
  const history = rated ? [...rated.ratings].sort((a, b) => a.on.localeCompare(b.on)) : [];

  return (
    <form onSubmit={submit} noValidate>
      <fieldset className="lw-radios lw-levels" aria-describedby={pickFirst ? `${id}-error` : undefined}>
        <legend className="lw-rate__legend">{t("rate.legend", { skill: name })}</legend>
        {!listed && <p className="lw-hint">{t("rate.notListed")}</p>}
        {pickFirst && <p id={`${id}-error`} className="lw-field-error utrecht-form-field-error-message">{t("rate.pickFirst")}</p>}
        {LEVELS.map((l) => (
          <label key={l}>
            <input
              type="radio"
              name={id}
              value={l}
              checked={level === l}
              onChange={() => {
                setLevel(l);
                setDone(null);
                setPickFirst(false);
              }}
            />
            {t("rate.option", { level: l, label: t(`level.${l}`) })}
          </label>
        ))}
      </fieldset>
      <div aria-live="polite">
        {done !== null && <Success>{t("rate.saved", { skill: name, level: done, label: t(`level.${done}`) })}</Success>}
      </div>
      <ProblemAlert error={assess.error} />
      <Button type="submit" appearance="secondary-action-button" busy={assess.isPending} disabled={assess.isPending}>
        {t("rate.save", { skill: name })}
      </Button>
      <div className="lw-rate__history">
        <p className="lw-rate__history-title" id={`${id}-history`}>{t("rate.history", { skill: name })}</p>
        {history.length === 0 ? (
          <p className="lw-hint">{t("rate.never")}</p>
        ) : (
          <>
            <ul aria-labelledby={`${id}-history`} className="lw-rate__list">
              {history.map((r) => (
                <li key={r.on}>{t("rate.item", { date: calendarDate(r.on), level: r.level, label: t(`level.${r.level}`) })}</li>
              ))}
            </ul>
            <p className="lw-rate__growth">
              {g === null
                ? t("rate.oneDay")
                : g.delta > 0
                  ? t("rate.growthUp", { delta: signed(g.delta), date: calendarDate(g.since) })
                  : g.delta < 0
                    ? t("rate.growthDown", { delta: signed(g.delta), date: calendarDate(g.since) })
                    : t("rate.growthSame", { date: calendarDate(g.since) })}
            </p>
          </>
        )}
      </div>
    </form>
  );
}
