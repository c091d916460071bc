// /klussen/instellingen: whether posters may find me (and exactly what they then see), and my
// saved search with the weekly mail of new klussen that fit it. Two forms, each saved on its own.
import { Checkbox, FormField, FormLabel, Heading1, Heading2, Paragraph, SelectOption } from "@utrecht/component-library-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { KlusProfile } from "../../api/klussen";
import { usePageTitle } from "../../components/Layout";
import { SkillPicker } from "../../components/SkillPicker";
import { Loading, ProblemAlert, Success } from "../../components/States";
import { useKlusProfile, useSaveProfile } from "../../hooks/klussen";
import { useOrganisations } from "../../hooks/organisations";
import { useSkills } from "../../hooks/skills";
import { fieldsOf, formField, MAX_HOURS, PLACES, searchLink, searchOf, type SearchFields } from "../../klussen";
import { fieldErrors } from "../organiser/forms";
import { SaveButton, SelectField, TextField } from "../organiser/shared";
import { KlussenTabs } from "./parts";

export default function Settings() {
  const { t } = useTranslation("klussen");
  usePageTitle(t("settings.title"));
  const profile = useKlusProfile();
  return (
    <>
      <Heading1>{t("settings.title")}</Heading1>
      <Paragraph lead>{t("settings.intro")}</Paragraph>
      <KlussenTabs />
      {profile.isPending ? (
        <Loading />
      ) : profile.error ? (
        <ProblemAlert error={profile.error} />
      ) : (
        <>
          <Findable profile={profile.data} />
          <SearchForm profile={profile.data} />
        </>
      )}
    </>
  );
}

function Findable({ profile }: { profile: KlusProfile }) {
  const { t } = useTranslation("klussen");
  const save = useSaveProfile();
  const [findable, setFindable] = useState(profile.findable);
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate({ ...profile, findable }, { onSuccess: (p) => setDone(p.findable ? t("settings.findableOn") : t("settings.findableOff")) });
  };
  return (
    <section aria-labelledby="findable-h" className="lw-card">
      <Heading2 id="findable-h">{t("settings.findableTitle")}</Heading2>
      <Paragraph>{t("settings.findableIntro")}</Paragraph>
      <ul id="findable-what">
        <li>{t("settings.seeName")}</li>
        <li>{t("settings.seeUnit")}</li>
        <li>{t("settings.seeSkills")}</li>
      </ul>
      <Paragraph>{t("settings.notSeen")}</Paragraph>
      <form onSubmit={submit} noValidate>
        <FormField type="checkbox" className="lw-check">
          <Checkbox id="findable" checked={findable} onChange={(e) => { setFindable(e.target.checked); setDone(null); }} aria-describedby="findable-what" />
          <FormLabel htmlFor="findable" type="checkbox">{t("settings.findable")}</FormLabel>
        </FormField>
        <p className="lw-hint">{profile.findable ? t("settings.nowOn") : t("settings.nowOff")}</p>
        <div aria-live="polite">{done && <Success>{done}</Success>}</div>
        <ProblemAlert error={save.error} />
        <SaveButton busy={save.isPending}>{t("settings.saveFindable")}</SaveButton>
      </form>
    </section>
  );
}

function SearchForm({ profile }: { profile: KlusProfile }) {
  const { t } = useTranslation("klussen");
  const save = useSaveProfile();
  const skills = useSkills();
  const organisations = useOrganisations();
  const [f, setF] = useState<SearchFields>(() => fieldsOf(profile.search));
  const [weekly, setWeekly] = useState(profile.search_weekly);
  const [done, setDone] = useState<string | null>(null);
  const [needsSearch, setNeedsSearch] = useState(false);
  const set = (patch: Partial<SearchFields>) => { setF((x) => ({ ...x, ...patch })); setDone(null); };
  const errors = Object.fromEntries(Object.entries(fieldErrors(save.error)).map(([k, v]) => [formField(k.replace(/^search\./, "")), v]));
  const search = searchOf(f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (weekly && !search) {
      setNeedsSearch(true);
      document.getElementById("s-q")?.focus();
      return;
    }
    setNeedsSearch(false);
    save.mutate(
      { findable: profile.findable, search_weekly: weekly && !!search, search },
      { onSuccess: (p) => setDone(p.search_weekly ? t("settings.savedWeekly") : p.search ? t("settings.saved") : t("settings.savedNone")) },
    );
  };
  return (
    <section aria-labelledby="search-h" className="lw-card">
      <Heading2 id="search-h">{t("settings.searchTitle")}</Heading2>
      <Paragraph>{t("settings.searchIntro")}</Paragraph>
      <form onSubmit={submit} noValidate className="lw-form">
        {needsSearch && <p role="alert" className="lw-field-error">{t("settings.needsSearch")}</p>}
        <TextField id="s-q" label={t("filters.q")} value={f.q} onValue={(q) => set({ q })} error={errors.q} autoComplete="off" />
        <SkillPicker
          id="s-skills"
          legend={t("settings.skills")}
          searchLabel={t("form.skillsSearch")}
          skills={skills.data ?? []}
          chosen={f.skills}
          onChange={(ids) => set({ skills: ids })}
          max={12}
          error={errors.skills}
        />
        <div className="lw-form-row">
          <SelectField id="s-place" label={t("filters.place")} value={f.place} onValue={(place) => set({ place })} error={errors.place}>
            <SelectOption value="">{t("filters.allPlaces")}</SelectOption>
            {PLACES.map((p) => <SelectOption key={p} value={p}>{t(`place.${p}`)}</SelectOption>)}
          </SelectField>
          <SelectField id="s-org" label={t("filters.organisation")} value={f.organisation_id} onValue={(organisation_id) => set({ organisation_id })} error={errors.organisation_id}>
            <SelectOption value="">{t("filters.allOrganisations")}</SelectOption>
            {(organisations.data ?? []).map((o) => <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>)}
          </SelectField>
        </div>
        <div className="lw-form-row">
          <TextField id="s-min" label={t("filters.minHours")} type="number" inputMode="numeric" min={1} max={MAX_HOURS} value={f.min_hours} onValue={(min_hours) => set({ min_hours })} error={errors.min_hours} />
          <TextField id="s-max" label={t("filters.maxHours")} type="number" inputMode="numeric" min={1} max={MAX_HOURS} value={f.max_hours} onValue={(max_hours) => set({ max_hours })} error={errors.max_hours} />
        </div>
        <FormField type="checkbox" className="lw-check">
          <Checkbox id="s-weekly" checked={weekly} onChange={(e) => { setWeekly(e.target.checked); setDone(null); setNeedsSearch(false); }} aria-describedby="s-weekly-hint" />
          <FormLabel htmlFor="s-weekly" type="checkbox">{t("settings.weekly")}</FormLabel>
        </FormField>
        <p id="s-weekly-hint" className="lw-hint">{t("settings.weeklyHint")}</p>
        <div aria-live="polite">{done && <Success>{done}</Success>}</div>
        <ProblemAlert error={save.error && Object.keys(errors).length === 0 ? save.error : null} />
        <div className="lw-buttons">
          <SaveButton busy={save.isPending}>{t("settings.saveSearch")}</SaveButton>
          {search && <Link to={searchLink(search)}>{t("settings.tryIt")}</Link>}
        </div>
      </form>
    </section>
  );
}
