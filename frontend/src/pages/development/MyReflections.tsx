// "Reflecties": per session taken part in, what I learned and what I will do with it, private
// unless shared with my manager. Each is anchored at `#reflectie-{enrolment_id}` (the feedback
// mail links there): the page scrolls to it and puts the focus on its heading.
import { Button, Checkbox, FormField, FormLabel, Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { longDate } from "../../format";
import { usePortfolio } from "../../hooks/portfolio";
import { anchoredEnrolment, counterStep, MAX_REFLECTION, mayReflect, reflectionAnchor, reflectionChanged, type Portfolio, type PortfolioSession } from "../../portfolio";
import { fieldErrors } from "../organiser/forms";
import { Confirm, SaveButton, TextAreaField } from "../organiser/shared";

type Reflection = Schemas["ReflectionDto"];

export function MyReflections() {
  const { t } = useTranslation("portfolio");
  const portfolio = usePortfolio();
  const sessions = (portfolio.data?.sessions ?? []).filter(mayReflect);
  useFocusAnchor(!!portfolio.data);
  return (
    <section aria-labelledby="reflections-h" className="lw-dev-section">
      <Heading2 id="reflections-h">{t("reflections.title")}</Heading2>
      <Paragraph>{t("reflections.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : sessions.length === 0 ? (
        <Empty>{t("reflections.none")}</Empty>
      ) : (
        <ul className="lw-plain-list lw-reflections">
          {sessions.map((s) => (
            <li key={s.enrolment_id} className="lw-card lw-reflection">
              <ReflectionForm session={s} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Once the reflections are there, scroll to the one the address points at and focus it. */
function useFocusAnchor(ready: boolean) {
  const { hash } = useLocation();
  const done = useRef<string | null>(null);
  useEffect(() => {
    const id = anchoredEnrolment(hash);
    if (!ready || !id || done.current === hash) return;
    const el = document.getElementById(reflectionAnchor(id));
    if (!el) return;
    done.current = hash;
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  }, [ready, hash]);
}

function ReflectionForm({ session: s }: { session: PortfolioSession }) {
  const { t } = useTranslation("portfolio");
  const qc = useQueryClient();
  const saved = s.reflection ?? null;
  const [learned, setLearned] = useState(saved?.learned ?? "");
  const [willDo, setWillDo] = useState(saved?.will_do ?? "");
  const [shared, setShared] = useState(saved?.shared_with_manager ?? false);
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const id = s.enrolment_id;
  const anchor = reflectionAnchor(id);

  const keep = (r: Reflection | null) =>
    qc.setQueryData<Portfolio>(["portfolio"], (p) =>
      p && { ...p, sessions: p.sessions.map((x) => (x.enrolment_id === id ? { ...x, reflection: r } : x)) },
    );
  const save = useMutation({
    mutationFn: (body: Schemas["ReflectionBody"]) =>
      unwrap(api.PUT("/api/v1/enrolments/{id}/reflection", { params: { path: { id } }, body })),
    onSuccess: (r) => {
      keep(r);
      setLearned(r.learned);
      setWillDo(r.will_do);
      setShared(r.shared_with_manager);
      setDone(r.shared_with_manager ? t("reflections.savedShared") : t("reflections.saved"));
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/enrolments/{id}/reflection", { params: { path: { id } } })),
    onSuccess: () => {
      keep(null);
      setAsking(false);
      setLearned("");
      setWillDo("");
      setShared(false);
      setDone(t("reflections.removed"));
      document.getElementById(anchor)?.focus();
    },
  });
  const draft = { learned, will_do: willDo, shared_with_manager: shared };
  const changed = reflectionChanged(saved, draft);
  const errors = fieldErrors(save.error);
  const reset = () => {
    setDone(null);
    setAsking(false);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset();
    save.reset();
    remove.reset();
    if (!changed && saved) {
      setDone(t("reflections.noChanges"));
      return;
    }
    save.mutate(draft);
  };
  const title = t("reflections.session", { workshop: s.workshop_title, date: longDate(s.starts_at) });

  return (
    <article aria-labelledby={anchor}>
      <Heading3 id={anchor} tabIndex={-1} className="lw-reflection__title">{title}</Heading3>
      <p className="lw-hint" id={`${anchor}-state`}>
        {saved
          ? t(saved.shared_with_manager ? "reflections.isShared" : "reflections.isPrivate", { date: longDate(saved.updated_at) })
          : t("reflections.notYet")}
      </p>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={save.error} title={t("reflections.notSaved")} />
        <CountedText
          id={`learned-${id}`}
          label={t("reflections.learned")}
          value={learned}
          onValue={(v) => { reset(); setLearned(v); }}
          error={errors.learned}
        />
        <CountedText
          id={`will_do-${id}`}
          label={t("reflections.willDo")}
          value={willDo}
          onValue={(v) => { reset(); setWillDo(v); }}
          error={errors.will_do}
        />
        <FormField type="checkbox" className="lw-check lw-reflection__share">
          <Checkbox
            id={`share-${id}`}
            checked={shared}
            onChange={(e) => { reset(); setShared(e.target.checked); }}
            aria-describedby={`share-${id}-hint`}
          />
          <FormLabel htmlFor={`share-${id}`} type="checkbox">{t("reflections.share")}</FormLabel>
        </FormField>
        <p id={`share-${id}-hint`} className="lw-hint">{t("reflections.shareHint")}</p>
        <div aria-live="polite">{done && <Success>{done}</Success>}</div>
        <div className="lw-buttons">
          <SaveButton busy={save.isPending}>
            {t("reflections.save")}
            <span className="lw-visually-hidden"> ({s.workshop_title})</span>
          </SaveButton>
          {saved && !asking && (
            <Button appearance="subtle-button" onClick={() => { reset(); remove.reset(); setAsking(true); }}>
              {t("reflections.remove")}
              <span className="lw-visually-hidden"> ({s.workshop_title})</span>
            </Button>
          )}
          {changed && !save.isPending && <span className="lw-hint">{t("reflections.unsaved")}</span>}
        </div>
      </form>
      <ProblemAlert error={remove.error} />
      {asking && (
        <Confirm
          id={`remove-${id}`}
          question={t("reflections.removeQuestion", { workshop: s.workshop_title })}
          yes={t("reflections.removeYes")}
          no={t("reflections.removeNo")}
          busy={remove.isPending}
          onYes={() => remove.mutate()}
          onNo={() => setAsking(false)}
        />
      )}
    </article>
  );
}

/** A labelled text area with a character counter; a screen reader hears it only in steps. */
export function CountedText({ id, label, value, onValue, error }: { id: string; label: string; value: string; onValue: (v: string) => void; error?: string }) {
  const { t, i18n } = useTranslation("portfolio");
  const length = [...value].length;
  const step = counterStep(length);
  const nf = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "nl-NL");
  const spoken =
    step.kind === "near" ? t("reflections.near", { below: step.below })
      : step.kind === "full" ? t("reflections.full", { max: nf.format(MAX_REFLECTION) })
        : step.kind === "over" ? t("reflections.over", { count: step.by })
          : "";
  return (
    <div className="lw-counted">
      <TextAreaField
        id={id}
        label={label}
        value={value}
        onValue={onValue}
        error={error}
        rows={4}
        hint={
          <span className={step.kind === "over" ? "lw-counter lw-counter--over" : "lw-counter"}>
            {t("reflections.count", { count: length, max: nf.format(MAX_REFLECTION) } as Record<string, unknown>)}
          </span>
        }
      />
      <p className="lw-visually-hidden" aria-live="polite">{spoken}</p>
    </div>
  );
}
