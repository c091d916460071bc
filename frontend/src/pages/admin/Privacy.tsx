// /beheer/privacy: find a person, download their data (the JSON of /me/export) or erase them
// after a confirmation that says what goes and what stays; the retention period, shown and set.
import { Button, Heading1, Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiProblem, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { BackLink, SaveButton, TextField } from "../organiser/shared";
import { downloadJson, SearchForm, useMoment } from "./shared";

type Person = Schemas["PersonDto"];

export default function PrivacyPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("privacy.title"));
  return (
    <>
      <BackLink to="/beheer">{t("back")}</BackLink>
      <Heading1>{t("privacy.title")}</Heading1>
      <Paragraph lead>{t("privacy.intro")}</Paragraph>
      <PersonData />
      <Retention />
    </>
  );
}

function PersonData() {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [q, setQ] = useState("");
  const [chosen, setChosen] = useState<Person | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const chosenHeading = useRef<HTMLHeadingElement>(null);

  const found = useQuery({
    queryKey: ["people-search", q],
    queryFn: () => unwrap(api.GET("/api/v1/people", { params: { query: { q, per_page: 10 } } })),
    enabled: q.length > 0,
  });
  const exportData = useMutation({
    mutationFn: (p: Person) => unwrap(api.GET("/api/v1/admin/people/{id}/export", { params: { path: { id: p.id } } })),
    onSuccess: (data, p) => {
      downloadJson(data, `leerweek-gegevens-${p.id}.json`);
      setMessage(t("privacy.exported", { name: p.name }));
    },
  });
  const erase = useMutation({
    mutationFn: (p: Person) => unwrap(api.POST("/api/v1/admin/people/{id}/erase", { params: { path: { id: p.id } } })),
    onSuccess: () => {
      setConfirming(false);
      setChosen(null);
      setMessage(t("privacy.erased"));
      void qc.invalidateQueries({ queryKey: ["people-search"] });
      void qc.invalidateQueries({ queryKey: ["audit"] });
      void qc.invalidateQueries({ queryKey: ["outbox"] });
    },
  });

  useEffect(() => {
    if (chosen) chosenHeading.current?.focus();
  }, [chosen]);

  return (
    <section className="lw-section" aria-labelledby="person-h">
      <Heading2 id="person-h">{t("privacy.person")}</Heading2>
      {message && <Success>{message}</Success>}
      <SearchForm
        id="privacy-q"
        label={t("privacy.find")}
        hint={t("privacy.findHint")}
        initial={q}
        onSearch={(v) => {
          setQ(v);
          setMessage(null);
        }}
      />
      <ProblemAlert error={found.error} />
      {q && found.isPending && <Loading />}
      {q && found.data && found.data.items.length === 0 && <Empty>{t("privacy.none")}</Empty>}
      {q && found.data && found.data.items.length > 0 && (
        <>
          <Heading3 id="results-h">{t("privacy.results")}</Heading3>
          <ul className="lw-list" aria-labelledby="results-h">
            {found.data.items.map((p) => (
              <li key={p.id}>
                <Button
                  appearance="subtle-button"
                  aria-pressed={chosen?.id === p.id}
                  aria-label={t("privacy.choose", { name: `${p.name}, ${p.email}` })}
                  onClick={() => {
                    setChosen(p);
                    setConfirming(false);
                    setMessage(null);
                  }}
                >
                  {p.name} <span className="lw-sub">{p.email}</span>
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      {chosen && (
        <div className="lw-card">
          <Heading3 ref={chosenHeading} tabIndex={-1} id="chosen-h">
            {t("privacy.chosen")}: {chosen.name}
          </Heading3>
          <Paragraph>{chosen.email}</Paragraph>
          <ProblemAlert error={exportData.error ?? erase.error} />
          {!confirming ? (
            <div className="lw-buttons">
              <Button appearance="secondary-action-button" onClick={() => exportData.mutate(chosen)} busy={exportData.isPending} disabled={exportData.isPending}>
                {t("privacy.export")}
              </Button>
              <Button appearance="primary-action-button" hint="danger" onClick={() => setConfirming(true)}>
                {t("privacy.erase")}
              </Button>
            </div>
          ) : (
            <div className="lw-confirm" role="group" aria-labelledby="erase-q">
              <Paragraph id="erase-q"><strong>{t("privacy.eraseTitle", { name: chosen.name })}</strong></Paragraph>
              <Paragraph><strong>{t("privacy.eraseGone")}:</strong> {t("privacy.eraseGoneList")}</Paragraph>
              <Paragraph><strong>{t("privacy.eraseStays")}:</strong> {t("privacy.eraseStaysList")}</Paragraph>
              <Paragraph>{t("privacy.eraseFinal")}</Paragraph>
              <div className="lw-buttons">
                <Button appearance="primary-action-button" hint="danger" onClick={() => erase.mutate(chosen)} busy={erase.isPending} disabled={erase.isPending}>
                  {t("privacy.eraseYes")}
                </Button>
                <Button appearance="subtle-button" onClick={() => setConfirming(false)} disabled={erase.isPending}>
                  {t("privacy.eraseNo")}
                </Button>
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function Retention() {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const moment = useMoment();
  const settings = useQuery({
    queryKey: ["privacy-settings"],
    queryFn: () => unwrap(api.GET("/api/v1/admin/settings/privacy")),
  });
  const [days, setDays] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (n: number) => unwrap(api.PUT("/api/v1/admin/settings/privacy", { body: { retention_days: n } })),
    onSuccess: (r) => {
      qc.setQueryData(["privacy-settings"], r);
      setDays(null);
      setSaved(true);
    },
    onError: () => document.getElementById("retention-days")?.focus(),
  });
  const s = settings.data;
  const value = days ?? (s ? String(s.retention_days) : "");
  const fieldError =
    save.error instanceof ApiProblem && (save.error.field === "retention_days" || save.error.errors.some((e) => e.field === "retention_days"))
      ? save.error.detail
      : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate(Number(value.trim() === "" ? NaN : value));
  };

  return (
    <section className="lw-section" aria-labelledby="retention-h">
      <Heading2 id="retention-h">{t("privacy.retention")}</Heading2>
      <ProblemAlert error={settings.error} />
      {settings.isPending ? (
        <Loading />
      ) : s ? (
        <>
          <Paragraph>
            {t("privacy.retentionNow", { days: s.retention_days })}{" "}
            {s.set ? t("privacy.retentionSet", { at: moment(s.updated_at) }) : t("privacy.retentionDefault")}
          </Paragraph>
          {saved && <Success>{t("privacy.saved")}</Success>}
          {save.error && !fieldError && <ProblemAlert error={save.error} />}
          <form onSubmit={submit} noValidate>
            <TextField
              id="retention-days"
              label={t("privacy.days")}
              hint={t("privacy.daysHint", { min: s.min_days, max: s.max_days })}
              error={fieldError}
              value={value}
              onValue={(v) => {
                setDays(v);
                setSaved(false);
              }}
              type="number"
              inputMode="numeric"
              min={s.min_days}
              max={s.max_days}
              required
            />
            <SaveButton busy={save.isPending}>{t("privacy.save")}</SaveButton>
          </form>
        </>
      ) : null}
    </section>
  );
}
