// /beheer/vaardigheden/:id: one skill: how much it is used, its details (with the ESCO search),
// and merging it into another skill after a confirmation that says what moves.
import { Button, Heading1, Heading2, Paragraph, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Loading, ProblemAlert, Success } from "../../components/States";
import { useSkills } from "../../hooks/skills";
import { byName } from "../../skills";
import { fieldErrors } from "../organiser/forms";
import { BackLink, Confirm, SaveButton, SelectField } from "../organiser/shared";
import { SkillFields } from "./SkillFields";
import { skillFormOf, skillPatch, type SkillForm } from "./skillForm";

export default function SkillPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const location = useLocation();
  const skill = useQuery({
    queryKey: ["skill", id],
    queryFn: () => unwrap(api.GET("/api/v1/skills/{id}", { params: { path: { id } } })),
  });
  const all = useSkills();
  usePageTitle(skill.data?.name_nl ?? t("title"));
  if (skill.isPending) return <Loading />;
  if (skill.error) {
    return (
      <>
        <BackLink to="/beheer/vaardigheden">{t("back")}</BackLink>
        <Heading1>{t("notFound")}</Heading1>
        <ProblemAlert error={skill.error} />
      </>
    );
  }
  const s = skill.data;
  const use = all.data?.find((x) => x.id === s.id);
  const merged = (location.state as { merged?: string } | null)?.merged;
  return (
    <>
      <BackLink to="/beheer/vaardigheden">{t("back")}</BackLink>
      <Heading1>{s.name_nl}</Heading1>
      {merged && <Success>{t("merged", { from: merged, into: s.name_nl })}</Success>}
      {use && <Paragraph lead>{t("uses", { workshops: use.workshops, people: use.people })}</Paragraph>}
      <EditSkill key={s.id} skill={s} />
      {all.data && <MergeSkill skill={s} all={all.data} />}
    </>
  );
}

function EditSkill({ skill }: { skill: Schemas["SkillDto"] }) {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const qc = useQueryClient();
  const [initial, setInitial] = useState<SkillForm>(() => skillFormOf(skill));
  const [form, setForm] = useState<SkillForm>(initial);
  const [saved, setSaved] = useState(false);
  const [nothing, setNothing] = useState(false);
  const save = useMutation({
    mutationFn: (body: Schemas["SkillPatchDto"]) => unwrap(api.PATCH("/api/v1/skills/{id}", { params: { path: { id: skill.id } }, body })),
    onSuccess: async (s) => {
      setSaved(true);
      setInitial(skillFormOf(s));
      setForm(skillFormOf(s));
      qc.setQueryData(["skill", skill.id], s);
      await qc.invalidateQueries({ queryKey: ["skills"] });
    },
  });
  const patch = skillPatch(initial, form);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.reset();
    if (Object.keys(patch).length === 0) {
      setNothing(true);
      return;
    }
    save.mutate(patch);
  };
  return (
    <section aria-labelledby="edit-skill-h" className="lw-card">
      <Heading2 id="edit-skill-h">{t("edit")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">
          {saved && <Success>{t("saved")}</Success>}
          {nothing && <Paragraph className="lw-hint">{t("noChanges")}</Paragraph>}
        </div>
        <ProblemAlert error={save.error} />
        <SkillFields
          prefix="edit-skill"
          form={form}
          self={skill.id}
          set={(p) => {
            setSaved(false);
            setNothing(false);
            setForm((f) => ({ ...f, ...p }));
          }}
          errors={fieldErrors(save.error)}
        />
        <SaveButton busy={save.isPending}>{t("edit")}</SaveButton>
      </form>
    </section>
  );
}

function MergeSkill({ skill, all }: { skill: Schemas["SkillDto"]; all: Schemas["SkillUseDto"][] }) {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const qc = useQueryClient();
  const navigate = useNavigate();
  const others = byName(all.filter((s) => s.id !== skill.id), "nl");
  const use = all.find((s) => s.id === skill.id);
  const [into, setInto] = useState("");
  const [asking, setAsking] = useState(false);
  const [pickFirst, setPickFirst] = useState(false);
  const merge = useMutation({
    mutationFn: (target: string) => unwrap(api.POST("/api/v1/skills/{id}/merge", { params: { path: { id: skill.id } }, body: { into: target } })),
    onSuccess: async (kept) => {
      qc.removeQueries({ queryKey: ["skill", skill.id] });
      await Promise.all([qc.invalidateQueries({ queryKey: ["skills"] }), qc.invalidateQueries({ queryKey: ["programme"] })]);
      void navigate(`/beheer/vaardigheden/${kept.id}`, { state: { merged: skill.name_nl } });
    },
  });
  const target = others.find((s) => s.id === into);
  const ask = (e: FormEvent) => {
    e.preventDefault();
    merge.reset();
    if (!target) {
      setPickFirst(true);
      document.getElementById("merge-into")?.focus();
      return;
    }
    setAsking(true);
  };
  return (
    <section aria-labelledby="merge-h" className="lw-card">
      <Heading2 id="merge-h">{t("merge")}</Heading2>
      <Paragraph>{t("mergeIntro")}</Paragraph>
      {others.length === 0 ? (
        <Paragraph>{t("mergeNone")}</Paragraph>
      ) : (
        <form onSubmit={ask} noValidate className="lw-form">
          <ProblemAlert error={merge.error} />
          <SelectField
            id="merge-into"
            label={t("mergeInto")}
            value={into}
            onValue={(v) => {
              setInto(v);
              setAsking(false);
              setPickFirst(false);
            }}
            error={pickFirst ? t("mergePickFirst") : fieldErrors(merge.error).into}
          >
            <SelectOption value="">{t("mergeChoose")}</SelectOption>
            {others.map((s) => <SelectOption key={s.id} value={s.id}>{s.name_nl}</SelectOption>)}
          </SelectField>
          {asking && target ? (
            <Confirm
              id="merge"
              question={t("mergeQuestion", { from: skill.name_nl, into: target.name_nl, workshops: use?.workshops ?? 0, people: use?.people ?? 0 })}
              yes={t("mergeYes")}
              no={t("mergeNo")}
              busy={merge.isPending}
              onYes={() => merge.mutate(target.id)}
              onNo={() => setAsking(false)}
            />
          ) : (
            <div className="lw-buttons">
              <Button type="submit" appearance="secondary-action-button">{t("mergeButton")}</Button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
