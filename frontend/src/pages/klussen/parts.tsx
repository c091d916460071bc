// Pieces the Klussenbank's pages share: the sub-navigation, a klus's state and a response's state
// in words, the fit explained in sentences (a bar beside it only repeats the percentage), and
// the facts of a klus (organisation, hours, period, place, closing date).
import { Button, Paragraph } from "@utrecht/component-library-react";
import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import type { Fit, SelectionBrief } from "../../api/klussen";
import { hasRole, useMe } from "../../hooks/session";
import { closingText, fitText, hoursText, periodText, responseKey, type Person } from "../../klussen";

/** May this person post a klus (organisers, managers, admins)? */
export function usePoster(): boolean {
  const me = useMe();
  return hasRole(me.data, "organiser", "manager", "admin");
}

/** Klussen · Mijn reacties · Klussen die ik beheer · Instellingen: the current one underlined and bold. */
export function KlussenTabs() {
  const { t } = useTranslation("klussen");
  const poster = usePoster();
  const tabs = [
    { to: "/klussen", label: t("tabs.open"), show: true },
    { to: "/klussen/mijn-reacties", label: t("tabs.mine"), show: true },
    { to: "/klussen/beheer", label: t("tabs.managed"), show: poster },
    { to: "/klussen/instellingen", label: t("tabs.settings"), show: true },
  ];
  return (
    <nav aria-label={t("tabs.label")} className="lw-tabs">
      <ul>
        {tabs.filter((x) => x.show).map((x) => (
          <li key={x.to}>
            <NavLink to={x.to} end className={({ isActive }) => (isActive ? "lw-tabs__link lw-tabs__link--current" : "lw-tabs__link")}>
              {x.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation("klussen");
  const cls = state === "open" ? "lw-badge lw-badge--free" : state === "draft" ? "lw-badge lw-badge--view-only" : "lw-badge lw-badge--theme";
  return <span className={cls}>{t(`state.${state}`, { defaultValue: state })}</span>;
}

export function ResponseBadge({ state, selection }: { state: string; selection?: Pick<SelectionBrief, "state"> | null }) {
  const { t } = useTranslation("klussen");
  const final = state === "selected" && selection?.state === "approved";
  const cls = final ? "lw-badge lw-badge--mine" : state === "declined" || state === "withdrawn" ? "lw-badge lw-badge--view-only" : "lw-badge lw-badge--waiting";
  return <span className={cls}>{t(responseKey(state, selection), { defaultValue: state })}</span>;
}

/** The fit: the percentage and what it is made of, in words; a bar shows the percentage once more. */
export function FitExplained({ fit, person = "me", id }: { fit: Fit | null | undefined; person?: Person; id?: string }) {
  const { t, i18n } = useTranslation("klussen");
  const { headline, lines } = fitText(fit, t, person, i18n.language);
  const mark = { has: "✓", wants: "↗", missing: "–" } as const;
  return (
    <div className="lw-fit" id={id}>
      <p className="lw-fit__headline">{headline}</p>
      {fit && fit.parts.length > 0 && (
        <span className="lw-fit__bar" aria-hidden="true">
          <span style={{ width: `${Math.max(0, Math.min(100, fit.percent))}%` }} />
        </span>
      )}
      {lines.length > 0 && (
        <ul className="lw-fit__lines">
          {lines.map((l) => (
            <li key={l.kind} className={`lw-fit__line lw-fit__line--${l.kind}`}>
              <span aria-hidden="true" className="lw-fit__mark">{mark[l.kind]}</span> {l.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Organisation/unit, hours, period, place, closing date: a description list. */
export function KlusFacts({
  a, children,
}: {
  a: { organisation_name: string; unit_name?: string | null; hours_per_week: number; total_hours?: number | null; starts_on?: string | null; ends_on?: string | null; place: string; location?: string | null; closes_on: string };
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation("klussen");
  const lang = i18n.language;
  return (
    <dl className="lw-klus-facts">
      <div><dt>{t("facts.organisation")}</dt><dd>{a.unit_name ? `${a.organisation_name}, ${a.unit_name}` : a.organisation_name}</dd></div>
      <div><dt>{t("facts.hours")}</dt><dd>{hoursText(a, t)}</dd></div>
      <div><dt>{t("facts.period")}</dt><dd>{periodText(a, t, lang)}</dd></div>
      <div><dt>{t("facts.place")}</dt><dd>{t(`place.${a.place}`, { defaultValue: a.place })}{a.location ? `, ${a.location}` : ""}</dd></div>
      <div><dt>{t("facts.closes")}</dt><dd>{closingText(a.closes_on, t, lang)}</dd></div>
      {children}
    </dl>
  );
}

/**
 * A question with "yes" and "no" that takes the keyboard when it appears (the button that
 * opened it is gone), and gives it back to `returnTo` on "no".
 */
export function AskFirst({
  id, question, yes, no, busy, onYes, onNo, children,
}: { id: string; question: ReactNode; yes: string; no: string; busy?: boolean; onYes: () => void; onNo: () => void; children?: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div className="lw-confirm" role="group" aria-labelledby={`${id}-q`} tabIndex={-1} ref={box}>
      <Paragraph id={`${id}-q`}>{question}</Paragraph>
      {children}
      <div className="lw-buttons">
        <Button appearance="primary-action-button" hint="danger" onClick={onYes} busy={busy} disabled={busy}>
          {yes}
        </Button>
        <Button appearance="subtle-button" onClick={onNo} disabled={busy}>
          {no}
        </Button>
      </div>
    </div>
  );
}

/** A ref for the button that opened a question: it gets the keyboard back when the question closes. */
export function useFocusBack<T extends HTMLElement = HTMLButtonElement>(open: boolean) {
  const ref = useRef<T>(null);
  const was = useRef(open);
  useEffect(() => {
    if (was.current && !open) ref.current?.focus();
    was.current = open;
  }, [open]);
  return ref;
}
