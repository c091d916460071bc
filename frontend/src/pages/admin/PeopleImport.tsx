// /beheer/import: a file of employees (CSV or XLSX) previewed row by row, then imported all or
// nothing. Columns are matched by the server; when it does not recognise the header, a select
// per field (of the file's own columns) lets the coordinator say which is which.
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  FieldsetLegend,
  FormField,
  FormFieldDescription,
  FormLabel,
  Heading1,
  Heading2,
  Paragraph,
  SelectOption,
} from "@utrecht/component-library-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiProblem, postFile, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { ProblemAlert, Success } from "../../components/States";
import { useOrganisations } from "../../hooks/organisations";
import { BackLink, SelectField } from "../organiser/shared";
import { ordered, pageOf, PER_PAGE } from "./importRows";

type Report = Schemas["ImportReportDto"];
const FIELDS = ["email", "name", "organisation", "org_unit", "manager_email"] as const;
type Field = (typeof FIELDS)[number];

export default function PeopleImport() {
  const { t } = useTranslation("admin");
  usePageTitle(t("import.title"));
  const organisations = useOrganisations();
  const [file, setFile] = useState<File | null>(null);
  const [organisationId, setOrganisationId] = useState("");
  const [markGone, setMarkGone] = useState(false);
  const [columns, setColumns] = useState<string[] | null>(null);
  const [mapping, setMapping] = useState<Record<Field, string>>({
    email: "", name: "", organisation: "", org_unit: "", manager_email: "",
  });
  const [preview, setPreview] = useState<Report | null>(null);
  const [result, setResult] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"preview" | "import" | null>(null);
  const [page, setPage] = useState(1);
  // Where the focus goes once the answer is on the page (the summary, or the result).
  const [focus, setFocus] = useState<string | null>(null);
  useEffect(() => {
    if (!focus) return;
    document.getElementById(focus)?.focus();
    setFocus(null);
  }, [focus]);

  // Any change to what would be sent makes the preview stale.
  const changed = () => {
    setPreview(null);
    setResult(null);
    setError(null);
  };

  const query = () => {
    const q: Record<string, string> = { organisation_id: organisationId, gone: markGone ? "mark" : "keep" };
    if (columns) for (const f of FIELDS) q[`col_${f}`] = mapping[f];
    return q;
  };

  const send = async (what: "preview" | "import") => {
    if (!file) {
      setError(new ApiProblem(400, { detail: t("import.chooseFile") }));
      return;
    }
    setBusy(what);
    setError(null);
    setResult(null);
    try {
      const path = what === "preview" ? "/api/v1/people/import/preview" : "/api/v1/people/import";
      const report = await postFile<Report>(path, file, query());
      if (what === "preview") {
        setPreview(report);
        setPage(1);
        setFocus("import-summary");
      } else {
        setPreview(null);
        setResult(report);
        setFocus("import-result");
      }
    } catch (e) {
      if (e instanceof ApiProblem && (e.slug === "import-column-missing" || e.slug === "import-column-unknown")) {
        const cols = e.extra["columns"];
        if (Array.isArray(cols)) setColumns(cols.map(String));
      }
      if (e instanceof ApiProblem && e.slug === "import-rejected") setPreview(e.extra as unknown as Report);
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const rows = preview ? ordered(preview.rows) : [];
  const pages = Math.max(1, Math.ceil(rows.length / PER_PAGE));
  const canImport = !!preview && preview.invalid === 0 && !busy;

  return (
    <>
      <BackLink to="/beheer">{t("back")}</BackLink>
      <Heading1>{t("import.title")}</Heading1>
      <Paragraph lead>{t("import.intro")}</Paragraph>

      <form
        className="lw-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send("preview");
        }}
      >
        <FormField className="lw-field">
          <div className="utrecht-form-field__label">
            <FormLabel htmlFor="import-file">{t("import.file")}</FormLabel>
          </div>
          <FormFieldDescription id="import-file-hint">{t("import.fileHint")}</FormFieldDescription>
          <div className="utrecht-form-field__input">
            <input
              id="import-file"
              name="file"
              type="file"
              className="lw-file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby="import-file-hint"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setColumns(null);
                changed();
              }}
            />
          </div>
        </FormField>

        <SelectField
          id="import-organisation"
          label={t("import.organisation")}
          hint={t("import.organisationHint")}
          value={organisationId}
          onValue={(v) => {
            setOrganisationId(v);
            changed();
          }}
        >
          <SelectOption value="">{t("import.fromFile")}</SelectOption>
          {(organisations.data ?? []).map((o) => (
            <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>
          ))}
        </SelectField>

        {columns && (
          <Fieldset>
            <FieldsetLegend>{t("import.mapping")}</FieldsetLegend>
            <Paragraph>{t("import.mappingHint")}</Paragraph>
            {FIELDS.map((f) => (
              <SelectField
                key={f}
                id={`import-col-${f}`}
                label={t(`import.field.${f}`)}
                value={mapping[f]}
                onValue={(v) => {
                  setMapping((m) => ({ ...m, [f]: v }));
                  changed();
                }}
              >
                <SelectOption value="">{t("import.notInFile")}</SelectOption>
                {columns.map((c) => (
                  <SelectOption key={c} value={c}>{c}</SelectOption>
                ))}
              </SelectField>
            ))}
          </Fieldset>
        )}

        <FormField type="checkbox" className="lw-check">
          <Checkbox
            id="import-gone"
            checked={markGone}
            aria-describedby="import-gone-warning"
            onChange={(e) => {
              setMarkGone(e.target.checked);
              changed();
            }}
          />
          <FormLabel htmlFor="import-gone" type="checkbox">{t("import.gone")}</FormLabel>
        </FormField>
        <Alert type="warning" id="import-gone-warning">
          <Paragraph>{t("import.goneWarning")}</Paragraph>
        </Alert>

        <div className="lw-buttons">
          <Button type="submit" appearance="secondary-action-button" busy={busy === "preview"} disabled={!!busy}>
            {busy === "preview" ? t("import.previewing") : t("import.preview")}
          </Button>
          <Button
            type="button"
            appearance="primary-action-button"
            busy={busy === "import"}
            disabled={!canImport}
            aria-describedby={preview && preview.invalid > 0 ? "import-blocked" : undefined}
            onClick={() => void send("import")}
          >
            {busy === "import" ? t("import.importing") : t("import.import")}
          </Button>
        </div>
      </form>

      <ProblemAlert
        error={error}
        title={error instanceof ApiProblem && error.slug === "import-rejected" ? t("import.refused") : t("import.failed")}
      />

      {result && (
        <div id="import-result" tabIndex={-1}>
          <Success>
            {t("import.done", { new: result.new, changed: result.changed, unchanged: result.unchanged, gone: result.gone })}
          </Success>
        </div>
      )}

      {preview && (
        <section aria-labelledby="import-summary">
          <Heading2 id="import-summary" tabIndex={-1}>{t("import.summary")}</Heading2>
          <Paragraph>
            {t("import.counts", {
              new: preview.new, changed: preview.changed, unchanged: preview.unchanged, invalid: preview.invalid,
            })}
          </Paragraph>
          {preview.invalid > 0 && <Paragraph id="import-blocked"><strong>{t("import.importBlocked")}</strong></Paragraph>}
          {preview.gone > 0 && (
            <details>
              <summary>{t("import.goneCount", { count: preview.gone })}</summary>
              <ul aria-label={t("import.goneList")}>
                {preview.gone_people.map((g) => (
                  <li key={g.id}>{g.name} ({g.email})</li>
                ))}
              </ul>
            </details>
          )}
          <div className="lw-table-wrap">
            <table className="lw-table">
              <caption>{t("import.rows")} — {t("import.page", { page, pages })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("import.line")}</th>
                  <th scope="col">{t("import.email")}</th>
                  <th scope="col">{t("import.status")}</th>
                  <th scope="col">{t("import.details")}</th>
                </tr>
              </thead>
              <tbody>
                {pageOf(rows, page).map((r) => (
                  <tr key={`${r.line}-${r.email}`} className={`lw-import-${r.status}`}>
                    <td>{r.line}</td>
                    <td>{r.email}</td>
                    <td>{t(`import.statusName.${r.status as "new"}`)}</td>
                    <td>
                      {r.errors && r.errors.length > 0 && (
                        <ul>
                          {r.errors.map((e) => (
                            <li key={e.field}>
                              {t(`import.field.${e.field as Field}`)}: {document.documentElement.lang === "en" ? e.en : e.nl}
                            </li>
                          ))}
                        </ul>
                      )}
                      {r.changes && r.changes.length > 0 && (
                        <ul>
                          {r.changes.map((c) => (
                            <li key={c.field}>
                              {t(`import.field.${c.field as Field}`)}: {c.old ?? t("import.empty")}{" "}
                              <span aria-hidden="true">→</span>
                              <span className="lw-visually-hidden">{document.documentElement.lang === "en" ? " becomes " : " wordt "}</span>{" "}
                              {c.new ?? t("import.empty")}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav className="lw-buttons" aria-label={t("import.rows")}>
              <Button appearance="subtle-button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                {t("import.previous")}
              </Button>
              <span role="status">{t("import.page", { page, pages })}</span>
              <Button appearance="subtle-button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
                {t("import.next")}
              </Button>
            </nav>
          )}
        </section>
      )}
    </>
  );
}
