// A reflection on something one took part in (a session, a klus done): what I learned and what I
// will do with it, private unless shared with my manager; save it, or remove it after a question.
// One card of "Mijn ontwikkeling": its heading carries the anchor a mail links to. The page says
// what it is about (the heading, facts under it) and how it is saved and removed (the calls, and
// what they do to the cached portfolio); the texts are the portfolio's for both.
import { Button, Checkbox, FormField, FormLabel, Heading3 } from "@utrecht/component-library-react";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api/client";
import { longDate } from "../format";
import { counterStep, MAX_REFLECTION, reflectionChanged } from "../portfolio";
import { AskFirst } from "../pages/klussen/parts";
import { fieldErrors } from "../pages/organiser/forms";
import { Confirm, SaveButton, TextAreaField } from "../pages/organiser/shared";
import { ProblemAlert, Success } from "./States";

export type Reflection = Schemas["ReflectionDto"];
/** What the form sends: both parts trimmed, and whether it is shared. */
export type ReflectionDraft = { learned: string; will_do: string; shared_with_manager: boolean };

/** The part of a TanStack mutation the editor uses (so the page's own hooks fit as they are). */
export interface ReflectionMutation<TData, TVars> {
  mutate: (vars: TVars, options?: { onSuccess?: (data: TData) => void }) => void;
  reset: () => void;
  isPending: boolean;
  error: unknown;
}

export interface ReflectionEditorProps {
  /** The item's id (an enrolment, a selection): in the ids of the fields. */
  id: string;
  /** Before the fields' ids (`learned-{id}`, `share-{id}`, `remove-{id}`…), "" or e.g. "klus-". */
  idPrefix?: string;
  /** The heading's id, the anchor a mail links to. */
  anchor: string;
  /** What the heading says. */
  title: ReactNode;
  /** The item's name in the buttons' accessible names and in the question before removing. */
  name: string;
  /** The reflection as saved, or null. */
  saved: Reflection | null;
  save: ReflectionMutation<Reflection, ReflectionDraft>;
  remove: ReflectionMutation<unknown, void>;
  /** The question before removing takes the keyboard when it appears. */
  questionTakesFocus?: boolean;
  /** Under the heading, before the reflection's state (facts about the item). */
  children?: ReactNode;
}

export function ReflectionEditor({
  id, idPrefix = "", anchor, title, name, saved, save, remove, questionTakesFocus = false, children,
}: ReflectionEditorProps) {
  const { t } = useTranslation("portfolio");
  const [learned, setLearned] = useState(saved?.learned ?? "");
  const [willDo, setWillDo] = useState(saved?.will_do ?? "");
  const [shared, setShared] = useState(saved?.shared_with_manager ?? false);
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const fid = (field: string) => `${idPrefix}${field}-${id}`;

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
    save.mutate(
      { learned: learned.trim(), will_do: willDo.trim(), shared_with_manager: shared },
      {
        onSuccess: (r) => {
          setLearned(r.learned);
          setWillDo(r.will_do);
          setShared(r.shared_with_manager);
          setDone(r.shared_with_manager ? t("reflections.savedShared") : t("reflections.saved"));
        },
      },
    );
  };
  const removeNow = () =>
    remove.mutate(undefined, {
      onSuccess: () => {
        setAsking(false);
        setLearned("");
        setWillDo("");
        setShared(false);
        setDone(t("reflections.removed"));
        document.getElementById(anchor)?.focus();
      },
    });
  const Ask = questionTakesFocus ? AskFirst : Confirm;

  return (
    <article aria-labelledby={anchor}>
      <Heading3 id={anchor} tabIndex={-1} className="lw-reflection__title">{title}</Heading3>
      {children}
      <p className="lw-hint" id={`${anchor}-state`}>
        {saved
          ? t(saved.shared_with_manager ? "reflections.isShared" : "reflections.isPrivate", { date: saved.updated_at ? longDate(saved.updated_at) : "" })
          : t("reflections.notYet")}
      </p>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={save.error} title={t("reflections.notSaved")} />
        <CountedText
          id={fid("learned")}
          label={t("reflections.learned")}
          value={learned}
          onValue={(v) => { reset(); setLearned(v); }}
          error={errors.learned}
        />
        <CountedText
          id={fid("will_do")}
          label={t("reflections.willDo")}
          value={willDo}
          onValue={(v) => { reset(); setWillDo(v); }}
          error={errors.will_do}
        />
        <FormField type="checkbox" className="lw-check lw-reflection__share">
          <Checkbox
            id={fid("share")}
            checked={shared}
            onChange={(e) => { reset(); setShared(e.target.checked); }}
            aria-describedby={`${fid("share")}-hint`}
          />
          <FormLabel htmlFor={fid("share")} type="checkbox">{t("reflections.share")}</FormLabel>
        </FormField>
        <p id={`${fid("share")}-hint`} className="lw-hint">{t("reflections.shareHint")}</p>
        <div aria-live="polite">{done && <Success>{done}</Success>}</div>
        <div className="lw-buttons">
          <SaveButton busy={save.isPending}>
            {t("reflections.save")}
            <span className="lw-visually-hidden"> ({name})</span>
          </SaveButton>
          {saved && !asking && (
            <Button appearance="subtle-button" onClick={() => { reset(); remove.reset(); setAsking(true); }}>
              {t("reflections.remove")}
              <span className="lw-visually-hidden"> ({name})</span>
            </Button>
          )}
          {changed && !save.isPending && <span className="lw-hint">{t("reflections.unsaved")}</span>}
        </div>
      </form>
      <ProblemAlert error={remove.error} />
      {asking && (
        <Ask
          id={fid("remove")}
          question={t("reflections.removeQuestion", { workshop: name })}
          yes={t("reflections.removeYes")}
          no={t("reflections.removeNo")}
          busy={remove.isPending}
          onYes={removeNow}
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
