// "Klussen": the klussen I took part in that are done, from the portfolio, with period, hours
// and skills, and a reflection on each (what I learned, what I will do with it), private unless
// shared with my manager. Each is anchored at `#klus-{selection_id}` (the mails link there): the
// page scrolls to it and puts the focus on its heading.
import { Button, Checkbox, FormField, FormLabel, Heading2, Heading3, Paragraph } from "@utrecht/component-library-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import type { PortfolioAssignment } from "../../api/klussen";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { longDate } from "../../format";
import { portfolioAssignments, useRemoveKlusReflection, useSaveKlusReflection } from "../../hooks/klussen";
import { usePortfolio } from "../../hooks/portfolio";
import { anchoredSelection, askedSorted, hoursText, klusAnchor, needName, periodText } from "../../klussen";
import { reflectionChanged, type Portfolio } from "../../portfolio";
import { fieldErrors } from "../organiser/forms";
import { SaveButton } from "../organiser/shared";
import { AskFirst } from "../klussen/parts";
import { CountedText } from "./MyReflections";

export function MyKlussen() {
  const { t } = useTranslation("klussen");
  const portfolio = usePortfolio();
  const items = portfolioAssignments(portfolio.data);
  useFocusAnchor(!!portfolio.data);
  return (
    <section aria-labelledby="my-klussen-h" className="lw-dev-section">
      <Heading2 id="my-klussen-h">{t("portfolio.title")}</Heading2>
      <Paragraph>{t("portfolio.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : items.length === 0 ? (
        <Empty>
          {t("portfolio.none")} <Link to="/klussen">{t("portfolio.toList")}</Link>
        </Empty>
      ) : (
        <ul className="lw-plain-list lw-reflections">
          {items.map((k) => (
            <li key={k.selection_id} className="lw-card lw-reflection">
              <KlusReflection k={k} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Once the klussen are there, scroll to the one the address points at and focus it. */
function useFocusAnchor(ready: boolean) {
  const { hash } = useLocation();
  const done = useRef<string | null>(null);
  useEffect(() => {
    const id = anchoredSelection(hash);
    if (!ready || !id || done.current === hash) return;
    const el = document.getElementById(klusAnchor(id));
    if (!el) return;
    done.current = hash;
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  }, [ready, hash]);
}

function KlusReflection({ k }: { k: PortfolioAssignment }) {
  const { t, i18n } = useTranslation("klussen");
  const { t: tp } = useTranslation("portfolio");
  const saved = k.reflection ?? null;
  const [learned, setLearned] = useState(saved?.learned ?? "");
  const [willDo, setWillDo] = useState(saved?.will_do ?? "");
  const [shared, setShared] = useState(saved?.shared_with_manager ?? false);
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const save = useSaveKlusReflection(k.selection_id);
  const remove = useRemoveKlusReflection(k.selection_id);
  const anchor = klusAnchor(k.selection_id);
  const id = k.selection_id;
  const draft = { learned, will_do: willDo, shared_with_manager: shared };
  const changed = reflectionChanged(saved, draft);
  const errors = fieldErrors(save.error);
  const reset = () => { setDone(null); setAsking(false); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset();
    save.reset();
    remove.reset();
    if (!changed && saved) {
      setDone(tp("reflections.noChanges"));
      return;
    }
    save.mutate(
      { learned: learned.trim(), will_do: willDo.trim(), shared_with_manager: shared },
      { onSuccess: (r) => setDone(r.shared_with_manager ? tp("reflections.savedShared") : tp("reflections.saved")) },
    );
  };
  const skills = askedSorted(k.skills);

  return (
    <article aria-labelledby={anchor}>
      <Heading3 id={anchor} tabIndex={-1} className="lw-reflection__title">{k.title}</Heading3>
      <dl className="lw-klus-facts">
        <div><dt>{t("facts.organisation")}</dt><dd>{k.unit_name ? `${k.organisation_name}, ${k.unit_name}` : k.organisation_name}</dd></div>
        <div><dt>{t("facts.period")}</dt><dd>{periodText(k, t, i18n.language)}</dd></div>
        <div><dt>{t("facts.hours")}</dt><dd>{hoursText(k, t)}</dd></div>
        {skills.length > 0 && (
          <div><dt>{t("klus.skills")}</dt><dd>{skills.map((s) => needName(s, i18n.language)).join(", ")}</dd></div>
        )}
      </dl>
      <p className="lw-hint">
        {saved
          ? tp(saved.shared_with_manager ? "reflections.isShared" : "reflections.isPrivate", { date: saved.updated_at ? longDate(saved.updated_at) : "" })
          : tp("reflections.notYet")}
      </p>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={save.error} title={tp("reflections.notSaved")} />
        <CountedText id={`klus-learned-${id}`} label={tp("reflections.learned")} value={learned} onValue={(v) => { reset(); setLearned(v); }} error={errors.learned} />
        <CountedText id={`klus-will_do-${id}`} label={tp("reflections.willDo")} value={willDo} onValue={(v) => { reset(); setWillDo(v); }} error={errors.will_do} />
        <FormField type="checkbox" className="lw-check lw-reflection__share">
          <Checkbox id={`klus-share-${id}`} checked={shared} onChange={(e) => { reset(); setShared(e.target.checked); }} aria-describedby={`klus-share-${id}-hint`} />
          <FormLabel htmlFor={`klus-share-${id}`} type="checkbox">{tp("reflections.share")}</FormLabel>
        </FormField>
        <p id={`klus-share-${id}-hint`} className="lw-hint">{tp("reflections.shareHint")}</p>
        <div aria-live="polite">{done && <Success>{done}</Success>}</div>
        <div className="lw-buttons">
          <SaveButton busy={save.isPending}>
            {tp("reflections.save")}
            <span className="lw-visually-hidden"> ({k.title})</span>
          </SaveButton>
          {saved && !asking && (
            <Button appearance="subtle-button" onClick={() => { reset(); remove.reset(); setAsking(true); }}>
              {tp("reflections.remove")}
              <span className="lw-visually-hidden"> ({k.title})</span>
            </Button>
          )}
          {changed && !save.isPending && <span className="lw-hint">{tp("reflections.unsaved")}</span>}
        </div>
      </form>
      <ProblemAlert error={remove.error} />
      {asking && (
        <AskFirst
          id={`klus-remove-${id}`}
          question={tp("reflections.removeQuestion", { workshop: k.title })}
          yes={tp("reflections.removeYes")}
          no={tp("reflections.removeNo")}
          busy={remove.isPending}
          onYes={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                setAsking(false);
                setLearned("");
                setWillDo("");
                setShared(false);
                setDone(tp("reflections.removed"));
                document.getElementById(anchor)?.focus();
              },
            })
          }
          onNo={() => setAsking(false)}
        />
      )}
    </article>
  );
}

/** In a manager's view of a report: the done klussen, and only the reflections shared with them. */
export function ReportKlussen({ portfolio, name }: { portfolio: Portfolio; name: string }) {
  const { t, i18n } = useTranslation("klussen");
  const { t: tp } = useTranslation("portfolio");
  const items = portfolioAssignments(portfolio);
  return (
    <section aria-labelledby="report-klussen-h" className="lw-dev-section">
      <Heading2 id="report-klussen-h">{t("portfolio.title")}</Heading2>
      {items.length === 0 ? (
        <Empty>{t("portfolio.reportNone", { name })}</Empty>
      ) : (
        <>
          <Paragraph>{t("portfolio.reportIntro", { name })}</Paragraph>
          <ul className="lw-plain-list lw-reflections">
            {items.map((k) => (
              <li key={k.selection_id} className="lw-card lw-reflection">
                <article aria-labelledby={`report-klus-${k.selection_id}`}>
                  <Heading3 id={`report-klus-${k.selection_id}`} className="lw-reflection__title">{k.title}</Heading3>
                  <dl className="lw-klus-facts">
                    <div><dt>{t("facts.organisation")}</dt><dd>{k.unit_name ? `${k.organisation_name}, ${k.unit_name}` : k.organisation_name}</dd></div>
                    <div><dt>{t("facts.period")}</dt><dd>{periodText(k, t, i18n.language)}</dd></div>
                    <div><dt>{t("facts.hours")}</dt><dd>{hoursText(k, t)}</dd></div>
                    {k.reflection?.learned && <div><dt>{tp("reflections.learned")}</dt><dd className="lw-reflection__text">{k.reflection.learned}</dd></div>}
                    {k.reflection?.will_do && <div><dt>{tp("reflections.willDo")}</dt><dd className="lw-reflection__text">{k.reflection.will_do}</dd></div>}
                  </dl>
                  {!k.reflection && <p className="lw-hint">{t("portfolio.notShared")}</p>}
                </article>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
