// /klussen: the open klussen the reader may respond to, best fit first, with filters in the
// address (`?zoek=…&vaardigheid=…&pagina=2`) so a view can be shared and survives a reload.
// /klussen/beheer: the klussen the reader manages, in any state.
import { FormField, FormLabel, Heading1, Paragraph, Select, SelectOption, Textbox } from "@utrecht/component-library-react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { useAssignments } from "../../hooks/klussen";
import { useOrganisations } from "../../hooks/organisations";
import { useSkills } from "../../hooks/skills";
import { anyFilter, FILTER_PARAMS, filtersOf, listQuery, PER_PAGE, PLACES, type ListFilters } from "../../klussen";
import { byName, skillName } from "../../skills";
import { pageInfo, parsePage } from "../reports/model";
import { Pager } from "../reports/parts";
import { KlusCard } from "./KlusCard";
import { KlussenTabs, usePoster } from "./parts";

export default function KlussenList({ managed = false }: { managed?: boolean }) {
  const { t } = useTranslation("klussen");
  const title = managed ? t("managed.title") : t("list.title");
  usePageTitle(title);
  const poster = usePoster();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const page = parsePage(params.get("pagina"));
  const query = listQuery(filters, page, managed ? { managed: true, state: "all" } : {});
  const list = useAssignments(query);
  const data = list.data;
  const info = data ? pageInfo(data.total, data.page || page, data.per_page || PER_PAGE) : undefined;
  const filtered = anyFilter(filters);

  const setPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("pagina", String(p));
    else next.delete("pagina");
    setParams(next, { preventScrollReset: true });
    document.getElementById("klussen-count")?.focus();
  };

  return (
    <>
      <Heading1>{title}</Heading1>
      <Paragraph lead>{managed ? t("managed.intro") : t("list.intro")}</Paragraph>
      <KlussenTabs />
      {poster && (
        <p>
          <Link to="/klussen/nieuw" className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action">
            {t("list.post")}
          </Link>
        </p>
      )}
      <Filters filters={filters} onChange={(next) => setParams(next, { replace: true })} params={params} />
      <p id="klussen-count" tabIndex={-1} role="status" aria-live="polite" className="lw-count">
        {data && t("list.count", { count: data.total })}
        {filtered && data && (
          <>
            {" "}
            <button type="button" className="lw-linkbutton" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t("filters.clear")}
            </button>
          </>
        )}
      </p>
      <ProblemAlert error={list.error} />
      {list.isPending && <Loading />}
      {data && data.total === 0 && (
        <Empty>{filtered ? t("list.noMatch") : managed ? t("managed.empty") : t("list.empty")}</Empty>
      )}
      {data && data.items.length > 0 && (
        <>
          <ul className="lw-plain-list lw-klussen" aria-busy={list.isFetching || undefined}>
            {data.items.map((a) => (
              <KlusCard key={a.id} a={a} managed={managed} />
            ))}
          </ul>
          {info && info.pages > 1 && <Pager info={info} total={data.total} onPage={setPage} busy={list.isFetching} />}
        </>
      )}
    </>
  );
}

/** The filters: typed text settles for a moment before the list follows; a choice applies at once. */
function Filters({ filters, params, onChange }: { filters: ListFilters; params: URLSearchParams; onChange: (next: URLSearchParams) => void }) {
  const { t, i18n } = useTranslation("klussen");
  const skills = useSkills();
  const organisations = useOrganisations();
  const sortedSkills = useMemo(() => byName(skills.data ?? [], i18n.language), [skills.data, i18n.language]);
  const [typed, setTyped] = useState({ q: filters.q, min_hours: filters.min_hours, max_hours: filters.max_hours });

  const set = (patch: Partial<ListFilters>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch) as [keyof ListFilters, string][]) {
      if (v) next.set(FILTER_PARAMS[k], v);
      else next.delete(FILTER_PARAMS[k]);
    }
    next.delete("pagina");
    onChange(next);
  };

  // Typing: the list follows 300 ms after the last key.
  useEffect(() => {
    const handle = setTimeout(() => {
      const patch: Partial<ListFilters> = {};
      for (const k of ["q", "min_hours", "max_hours"] as const) if (typed[k].trim() !== filters[k]) patch[k] = typed[k].trim();
      if (Object.keys(patch).length > 0) set(patch);
    }, 300);
    return () => clearTimeout(handle);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [typed]);
  // Cleared from outside (the "wis filters" button): empty the typed fields too.
  useEffect(() => {
    if (!filters.q && !filters.min_hours && !filters.max_hours) setTyped({ q: "", min_hours: "", max_hours: "" });
  }, [filters.q, filters.min_hours, filters.max_hours]);

  return (
    <form role="search" aria-label={t("filters.label")} className="lw-filters" onSubmit={(e) => e.preventDefault()}>
      <FormField className="lw-filters__search">
        <FormLabel htmlFor="k-q">{t("filters.q")}</FormLabel>
        <Textbox id="k-q" type="search" value={typed.q} onChange={(e) => setTyped({ ...typed, q: e.target.value })} autoComplete="off" />
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-skill">{t("filters.skill")}</FormLabel>
        <Select id="k-skill" value={filters.skill} onChange={(e) => set({ skill: e.target.value })}>
          <SelectOption value="">{t("filters.allSkills")}</SelectOption>
          {sortedSkills.map((s) => (
            <SelectOption key={s.id} value={s.id}>{skillName(s, i18n.language)}</SelectOption>
          ))}
        </Select>
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-place">{t("filters.place")}</FormLabel>
        <Select id="k-place" value={filters.place} onChange={(e) => set({ place: e.target.value })}>
          <SelectOption value="">{t("filters.allPlaces")}</SelectOption>
          {PLACES.map((p) => (
            <SelectOption key={p} value={p}>{t(`place.${p}`)}</SelectOption>
          ))}
        </Select>
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-org">{t("filters.organisation")}</FormLabel>
        <Select id="k-org" value={filters.organisation_id} onChange={(e) => set({ organisation_id: e.target.value })}>
          <SelectOption value="">{t("filters.allOrganisations")}</SelectOption>
          {(organisations.data ?? []).map((o) => (
            <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>
          ))}
        </Select>
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-min">{t("filters.minHours")}</FormLabel>
        <Textbox id="k-min" type="number" inputMode="numeric" min={1} max={40} value={typed.min_hours} onChange={(e) => setTyped({ ...typed, min_hours: e.target.value })} />
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-max">{t("filters.maxHours")}</FormLabel>
        <Textbox id="k-max" type="number" inputMode="numeric" min={1} max={40} value={typed.max_hours} onChange={(e) => setTyped({ ...typed, max_hours: e.target.value })} />
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-from">{t("filters.startsFrom")}</FormLabel>
        <Textbox id="k-from" type="date" value={filters.starts_from} onChange={(e) => set({ starts_from: e.target.value })} />
      </FormField>
      <FormField>
        <FormLabel htmlFor="k-to">{t("filters.endsBy")}</FormLabel>
        <Textbox id="k-to" type="date" value={filters.ends_by} onChange={(e) => set({ ends_by: e.target.value })} />
      </FormField>
      <p className="lw-hint lw-filters__search">{t("filters.periodHint")}</p>
    </form>
  );
}
