// An organisation's units as a tree, with forms to add a unit, rename or move one, and merge
// one into another (its people, sub-units and history go along).
import { Button, Heading2, Heading3, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { fieldErrors } from "../organiser/forms";
import { Confirm, SaveButton, SelectField, TextField } from "../organiser/shared";

type Unit = Schemas["UnitDto"];

export function useUnits(orgId: string) {
  return useQuery({
    queryKey: ["units", orgId],
    queryFn: () => unwrap(api.GET("/api/v1/organisations/{id}/units", { params: { path: { id: orgId } } })),
  });
}

/** Units in tree order, each with its depth (parents before their children, by name). */
export function treeOrder(units: Unit[]): { unit: Unit; depth: number }[] {
  const known = new Set(units.map((u) => u.id));
  const children = new Map<string | null, Unit[]>();
  for (const u of units) {
    const parent = u.parent_id && known.has(u.parent_id) ? u.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: { unit: Unit; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, "nl"))) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function Tree({ units }: { units: Unit[] }) {
  const render = (parent: string | null) => {
    const kids = units.filter((u) => (u.parent_id ?? null) === parent).sort((a, b) => a.name.localeCompare(b.name, "nl"));
    if (kids.length === 0) return null;
    return (
      <ul className="lw-tree">
        {kids.map((u) => (
          <li key={u.id}>
            {u.name}
            {render(u.id)}
          </li>
        ))}
      </ul>
    );
  };
  return render(null);
}

function UnitOptions({ units, except }: { units: Unit[]; except?: string }) {
  return (
    <>
      {treeOrder(units)
        .filter(({ unit }) => unit.id !== except)
        .map(({ unit, depth }) => (
          <SelectOption key={unit.id} value={unit.id}>
            {"\u2003".repeat(depth)}
            {unit.name}
          </SelectOption>
        ))}
    </>
  );
}

export function Units({ orgId }: { orgId: string }) {
  const { t } = useTranslation("admin");
  const units = useUnits(orgId);
  return (
    <section aria-labelledby="units-h" className="lw-card">
      <Heading2 id="units-h">{t("org.unitsTitle")}</Heading2>
      {units.isPending ? (
        <Loading />
      ) : units.error ? (
        <ProblemAlert error={units.error} />
      ) : (
        <>
          {units.data.length === 0 ? <Empty>{t("org.unitsNone")}</Empty> : <Tree units={units.data} />}
          <NewUnit orgId={orgId} units={units.data} />
          {units.data.length > 0 && <EditUnit orgId={orgId} units={units.data} />}
        </>
      )}
    </section>
  );
}

function NewUnit({ orgId, units }: { orgId: string; units: Unit[] }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/organisations/{id}/units", { params: { path: { id: orgId } }, body: { name, parent_id: parent || null } })),
    onSuccess: async (u) => {
      setAdded(u.name);
      setName("");
      await qc.invalidateQueries({ queryKey: ["units", orgId] });
      await qc.invalidateQueries({ queryKey: ["organisations"] });
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate className="lw-form" aria-labelledby="new-unit-h">
      <Heading3 id="new-unit-h">{t("org.newUnit")}</Heading3>
      <div aria-live="polite">{added && <Success>{t("org.unitAdded", { name: added })}</Success>}</div>
      <ProblemAlert error={create.error} />
      <div className="lw-form-row">
        <TextField id="new-unit-name" label={t("org.unitName")} required value={name} onValue={setName} error={errors.name} />
        <SelectField id="new-unit-parent" label={t("org.parent")} value={parent} onValue={setParent} error={errors.parent_id}>
          <SelectOption value="">{t("org.top")}</SelectOption>
          <UnitOptions units={units} />
        </SelectField>
      </div>
      <SaveButton busy={create.isPending}>{t("org.addUnit")}</SaveButton>
    </form>
  );
}

function EditUnit({ orgId, units }: { orgId: string; units: Unit[] }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [chosen, setChosen] = useState("");
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const [into, setInto] = useState("");
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const unit = units.find((u) => u.id === chosen);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ["units", orgId] });
    await qc.invalidateQueries({ queryKey: ["organisations"] });
    await qc.invalidateQueries({ queryKey: ["people", orgId] });
  };
  const choose = (id: string) => {
    const u = units.find((x) => x.id === id);
    setChosen(id);
    setName(u?.name ?? "");
    setParent(u?.parent_id ?? "");
    setInto("");
    setDone(null);
    save.reset();
    merge.reset();
  };
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH("/api/v1/units/{id}", { params: { path: { id: chosen } }, body: { name, parent_id: parent || null } })),
    onSuccess: async () => {
      setDone(t("org.unitSaved"));
      await refresh();
    },
  });
  const merge = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/units/{id}/merge", { params: { path: { id: chosen } }, body: { into } })),
    onSuccess: async (m) => {
      setAsking(false);
      setChosen("");
      setDone(t("org.merged", { people: m.people, units: m.units }));
      await refresh();
    },
  });
  const errors = fieldErrors(save.error ?? merge.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate();
  };
  const intoName = units.find((u) => u.id === into)?.name ?? "";
  return (
    <div className="lw-form" role="group" aria-labelledby="edit-unit-h">
      <Heading3 id="edit-unit-h">{t("org.editUnit")}</Heading3>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <SelectField id="edit-unit-which" label={t("org.chooseUnit")} value={chosen} onValue={choose}>
        <SelectOption value="">{t("org.choose")}</SelectOption>
        <UnitOptions units={units} />
      </SelectField>
      {unit && (
        <>
          <form onSubmit={submit} noValidate className="lw-form">
            <ProblemAlert error={save.error} />
            <div className="lw-form-row">
              <TextField id="edit-unit-name" label={t("org.unitName")} required value={name} onValue={setName} error={errors.name} />
              <SelectField id="edit-unit-parent" label={t("org.parent")} value={parent} onValue={setParent} error={errors.parent_id}>
                <SelectOption value="">{t("org.top")}</SelectOption>
                <UnitOptions units={units} except={unit.id} />
              </SelectField>
            </div>
            <SaveButton busy={save.isPending}>{t("org.saveUnit")}</SaveButton>
          </form>
          <fieldset className="lw-fieldset">
            <legend>{t("org.merge")}</legend>
            <ProblemAlert error={merge.error} />
            <SelectField id="edit-unit-into" label={t("org.mergeInto")} value={into} onValue={(v) => { setInto(v); setAsking(false); }} error={errors.into}>
              <SelectOption value="">{t("org.choose")}</SelectOption>
              <UnitOptions units={units} except={unit.id} />
            </SelectField>
            {asking && into ? (
              <Confirm
                id="merge-confirm"
                question={t("org.mergeQuestion", { from: unit.name, into: intoName })}
                yes={t("org.mergeYes")}
                no={t("form.no", { ns: "organiser" })}
                busy={merge.isPending}
                onYes={() => merge.mutate()}
                onNo={() => setAsking(false)}
              />
            ) : (
              <Button appearance="secondary-action-button" disabled={!into} onClick={() => setAsking(true)}>
                {t("org.mergeButton")}
              </Button>
            )}
          </fieldset>
        </>
      )}
    </div>
  );
}
