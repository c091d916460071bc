// /beheer/vaardigheden: the installation's skills with how many workshops and people use each,
// a search, a form for a new one (filled from the ESCO list if uploaded), and the ESCO upload.
import {
  FormField, FormFieldDescription, FormLabel, Heading1, Heading2, Paragraph, SelectOption, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { api, ApiProblem, postFile, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { useSkills } from "../../hooks/skills";
import { fieldErrors, focusFirst } from "../organiser/forms";
import { BackLink, SaveButton, SelectField } from "../organiser/shared";
import { SearchForm } from "./shared";
import { SkillFields, useEscoKnown } from "./SkillFields";
import { emptySkillForm, newSkillBody, type SkillForm } from "./skillForm";

export default function Skills() {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const { t: ta } = useTranslation("admin");
  usePageTitle(t("title"));
  const [params, setParams] = useSearchParams();
  const q = params.get("zoek") ?? "";
  const skills = useSkills(q);
  return (
    <>
      <BackLink to="/beheer">{ta("back")}</BackLink>
      <Heading1>{t("title")}</Heading1>
      <Paragraph lead>{t("intro")}</Paragraph>
      <section aria-labelledby="skills-h">
        <Heading2 id="skills-h">{t("list")}</Heading2>
        <SearchForm
          id="skills-q"
          label={t("searchLabel")}
          hint={t("searchHint")}
          initial={q}
          onSearch={(v) => setParams(v ? { zoek: v } : {}, { replace: true })}
        />
        {skills.isPending ? (
          <Loading />
        ) : skills.error ? (
          <ProblemAlert error={skills.error} />
        ) : skills.data.length === 0 ? (
          <Empty>{q ? t("noMatch") : t("none")}</Empty>
        ) : (
          <>
            <p role="status" className="lw-count">{t("count", { count: skills.data.length })}</p>
            <div className="lw-table-wrap">
              <Table className="lw-table" aria-labelledby="skills-h">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell scope="col">{t("nameNl")}</TableHeaderCell>
                    <TableHeaderCell scope="col">{t("nameEn")}</TableHeaderCell>
                    <TableHeaderCell scope="col">{t("esco")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("workshops")}</TableHeaderCell>
                    <TableHeaderCell scope="col" className="lw-num">{t("people")}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {skills.data.map((s) => (
                    <TableRow key={s.id}>
                      <TableCell><Link to={`/beheer/vaardigheden/${s.id}`}>{s.name_nl}</Link></TableCell>
                      <TableCell lang="en">{s.name_en ?? "–"}</TableCell>
                      <TableCell>
                        {s.esco_uri ? <a href={s.esco_uri} rel="noopener noreferrer">{t("linked")}</a> : t("notLinked")}
                      </TableCell>
                      <TableCell className="lw-num">{s.workshops}</TableCell>
                      <TableCell className="lw-num">{s.people}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </>
        )}
      </section>
      <NewSkill />
      <EscoUpload />
    </>
  );
}

function NewSkill() {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const qc = useQueryClient();
  const [form, setForm] = useState<SkillForm>(emptySkillForm);
  const [added, setAdded] = useState<string | null>(null);
  // A new round after each skill added: the ESCO search starts empty again.
  const [round, setRound] = useState(0);
  const create = useMutation({
    mutationFn: (f: SkillForm) => unwrap(api.POST("/api/v1/skills", { body: newSkillBody(f) })),
    onSuccess: async (s) => {
      setAdded(s.name_nl);
      setForm(emptySkillForm());
      setRound((r) => r + 1);
      await qc.invalidateQueries({ queryKey: ["skills"] });
      await qc.invalidateQueries({ queryKey: ["esco"] });
    },
    onError: (e) => {
      if (e instanceof ApiProblem && e.field) focusFirst("new-skill", [e.field]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    create.mutate(form);
  };
  return (
    <section aria-labelledby="new-skill-h" className="lw-card">
      <Heading2 id="new-skill-h">{t("new")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">{added && <Success>{t("added", { name: added })}</Success>}</div>
        <ProblemAlert error={create.error} />
        <SkillFields
          key={round}
          prefix="new-skill"
          form={form}
          set={(p) => {
            setAdded(null);
            setForm((f) => ({ ...f, ...p }));
          }}
          errors={fieldErrors(create.error)}
        />
        <SaveButton busy={create.isPending}>{t("add")}</SaveButton>
      </form>
    </section>
  );
}

function EscoUpload() {
  const { t } = useTranslation("skills", { keyPrefix: "admin" });
  const qc = useQueryClient();
  const known = useEscoKnown();
  const [file, setFile] = useState<File | null>(null);
  const [language, setLanguage] = useState("nl");
  const [missing, setMissing] = useState(false);
  const upload = useMutation({
    mutationFn: (f: File) => postFile<Schemas["EscoUploadDto"]>("/api/v1/skills/esco", f, { language }),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ["esco-known"] }), qc.invalidateQueries({ queryKey: ["esco"] })]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    upload.reset();
    if (!file) {
      setMissing(true);
      document.getElementById("esco-file")?.focus();
      return;
    }
    setMissing(false);
    upload.mutate(file);
  };
  const r = upload.data;
  return (
    <section aria-labelledby="esco-h" className="lw-card">
      <Heading2 id="esco-h">{t("upload")}</Heading2>
      {known.data === false && !r ? <Empty>{t("escoNone")}</Empty> : known.data ? <Paragraph>{t("known")}</Paragraph> : null}
      <Paragraph className="lw-hint">{t("uploadIntro")}</Paragraph>
      <form onSubmit={submit} noValidate className="lw-form">
        <FormField className="lw-field" invalid={missing}>
          <div className="utrecht-form-field__label">
            <FormLabel htmlFor="esco-file">{t("file")}</FormLabel>
          </div>
          <FormFieldDescription id="esco-file-hint">{t("fileHint")}</FormFieldDescription>
          {missing && <p id="esco-file-error" className="lw-field-error utrecht-form-field-error-message">{t("chooseFile")}</p>}
          <div className="utrecht-form-field__input">
            <input
              id="esco-file"
              name="file"
              type="file"
              className="lw-file"
              accept=".csv,text/csv"
              aria-describedby={missing ? "esco-file-hint esco-file-error" : "esco-file-hint"}
              aria-invalid={missing || undefined}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setMissing(false);
                upload.reset();
              }}
            />
          </div>
        </FormField>
        <SelectField id="esco-language" label={t("language")} value={language} onValue={(v) => { setLanguage(v); upload.reset(); }} error={fieldErrors(upload.error).language}>
          <SelectOption value="nl">{t("languageNl")}</SelectOption>
          <SelectOption value="en">{t("languageEn")}</SelectOption>
        </SelectField>
        <div aria-live="polite">
          {r && (
            <Success>
              {t("uploaded", { language: r.language === "en" ? t("languageEn") : t("languageNl"), concepts: r.concepts, skipped: r.skipped, known: r.known })}
            </Success>
          )}
        </div>
        <ProblemAlert error={upload.error} title={t("uploadFailed")} />
        <SaveButton busy={upload.isPending}>{upload.isPending ? t("uploading") : t("uploadButton")}</SaveButton>
      </form>
    </section>
  );
}
