// /voorkeuren: in a lottery week, the employee ranks sessions while the preference window is
// open. Reordering works with buttons (keyboard and screen reader alike: focus stays on the
// moved session's button and a status line says where it went), no dragging needed.
import { Button, FormField, FormLabel, Heading1, Heading2, Paragraph, Select, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../components/States";
import { dateTime, dayKey, dayLabel, timeRange } from "../format";
import { useCurrentEvent, type Event } from "../hooks/events";
import { useProgramme, type ProgrammeItem } from "../hooks/programme";

export function Preferences() {
  const { t } = useTranslation("lottery");
  usePageTitle(t("prefs.title"));
  const { event, isPending, error } = useCurrentEvent();
  if (isPending) return <Loading />;
  if (error) return <ProblemAlert error={error} />;
  if (!event || event.allocation !== "lottery") {
    return (
      <>
        <Heading1>{t("prefs.title")}</Heading1>
        <Empty>
          {t("prefs.notLottery")} <Link to="/">{t("prefs.toProgramme")}</Link>
        </Empty>
      </>
    );
  }
  return <Ranking event={event} />;
}

function Ranking({ event }: { event: Event }) {
  const { t } = useTranslation("lottery");
  const qc = useQueryClient();
  const prefs = useQuery({
    queryKey: ["preferences", event.id],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/preferences", { params: { path: { id: event.id } } })),
  });
  const programme = useProgramme(event.id, {});
  const sessions = useMemo(() => new Map((programme.data?.sessions ?? []).map((s) => [s.session_id, s])), [programme.data]);
  const [list, setList] = useState<string[] | null>(null);
  const [said, setSaid] = useState("");
  const [saved, setSaved] = useState(false);
  const [pick, setPick] = useState("");
  const focus = useRef<{ id: string; button: "up" | "down" | "remove-next" } | null>(null);
  const items = list ?? prefs.data?.sessions ?? [];
  const dirty = list !== null && JSON.stringify(list) !== JSON.stringify(prefs.data?.sessions ?? []);
  const max = prefs.data?.max_preferences ?? event.max_preferences;
  const open = prefs.data?.open ?? false;

  const save = useMutation({
    mutationFn: (sessions: string[]) =>
      unwrap(api.PUT("/api/v1/events/{id}/preferences", { params: { path: { id: event.id } }, body: { sessions } })),
    onSuccess: (p) => {
      qc.setQueryData(["preferences", event.id], p);
      setList(null);
      setSaved(true);
    },
  });

  // After a move, keep the keyboard on the moved session (its button may now be elsewhere).
  useEffect(() => {
    const f = focus.current;
    if (!f) return;
    focus.current = null;
    const el = document.getElementById(f.button === "remove-next" ? f.id : `pref-${f.button}-${f.id}`);
    (el as HTMLElement | null)?.focus();
  });

  const title = (id: string) => sessions.get(id)?.title ?? id;
  const change = (next: string[], message: string, keep?: { id: string; button: "up" | "down" | "remove-next" }) => {
    setList(next);
    setSaved(false);
    setSaid(message);
    focus.current = keep ?? null;
  };
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= items.length) return;
    const moving = items[i]!;
    const next = [...items];
    next[i] = next[j]!;
    next[j] = moving;
    // At the top or bottom the pressed button disappears; keep focus on the other one.
    const button = by === -1 ? (j === 0 ? "down" : "up") : j === items.length - 1 ? "up" : "down";
    change(next, t("prefs.moved", { title: title(moving), n: j + 1 }), { id: moving, button });
  };
  const remove = (i: number) => {
    const next = items.filter((_, k) => k !== i);
    const after = next[i] ?? next[i - 1];
    change(next, t("prefs.removed", { title: title(items[i]!) }), after ? { id: `pref-remove-${after}`, button: "remove-next" } : { id: "pref-add", button: "remove-next" });
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!pick || items.includes(pick) || items.length >= max) return;
    change([...items, pick], t("prefs.added", { title: title(pick), n: items.length + 1 }));
    setPick("");
  };

  const choices = useMemo(() => {
    const rest = (programme.data?.sessions ?? []).filter((s) => !items.includes(s.session_id));
    return [...rest].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.title.localeCompare(b.title, "nl"));
  }, [programme.data, items]);

  if (prefs.isPending || programme.isPending) return <Loading />;
  const now = new Date();
  const status = prefs.data?.allocated_at
    ? t("prefs.allocated", { at: dateTime(prefs.data.allocated_at, event.time_zone) })
    : open
      ? t("prefs.openUntil", { at: dateTime(event.enrolment_closes_at, event.time_zone) })
      : now < new Date(event.enrolment_opens_at)
        ? t("prefs.notYetOpen", { at: dateTime(event.enrolment_opens_at, event.time_zone) })
        : t("prefs.awaiting");

  return (
    <>
      <Heading1>{t("prefs.title")}</Heading1>
      <Paragraph lead>{t("prefs.intro", { max })}</Paragraph>
      <Paragraph>
        {status} {prefs.data?.allocated_at && <Link to="/mijn-week">{t("prefs.toMyWeek")}</Link>}
      </Paragraph>
      <ProblemAlert error={prefs.error ?? programme.error ?? save.error} />
      <section aria-labelledby="pref-list" className="lw-card">
        <Heading2 id="pref-list">{t("prefs.listTitle")}</Heading2>
        {items.length === 0 ? (
          <Empty>{t("prefs.empty")}</Empty>
        ) : (
          <ol className="lw-prefs">
            {items.map((id, i) => (
              <Choice
                key={id} id={id} n={i + 1} last={i === items.length - 1} item={sessions.get(id)} open={open} zone={event.time_zone}
                onUp={() => move(i, -1)} onDown={() => move(i, 1)} onRemove={() => remove(i)}
              />
            ))}
          </ol>
        )}
        <p role="status" aria-live="polite" className="lw-hint">{said}</p>
        {open && (
          <form onSubmit={add} className="lw-pref-add">
            <FormField>
              <FormLabel htmlFor="pref-add">{t("prefs.addLabel")}</FormLabel>
              <p className="lw-hint" id="pref-add-hint">{items.length >= max ? t("prefs.full", { max }) : t("prefs.addHint", { max })}</p>
              <Select id="pref-add" value={pick} onChange={(e) => setPick(e.target.value)} aria-describedby="pref-add-hint" disabled={items.length >= max}>
                <SelectOption value="">{t("prefs.choose")}</SelectOption>
                {choices.map((s) => (
                  <SelectOption key={s.session_id} value={s.session_id}>
                    {dayLabel(dayKey(s.starts_at, event.time_zone))} {timeRange(s.starts_at, s.ends_at, event.time_zone)} — {s.title}
                  </SelectOption>
                ))}
              </Select>
            </FormField>
            <Button type="submit" appearance="secondary-action-button" disabled={!pick || items.length >= max}>{t("prefs.add")}</Button>
          </form>
        )}
        {open && (
          <p className="lw-buttons">
            <Button appearance="primary-action-button" onClick={() => save.mutate(items)} busy={save.isPending} disabled={save.isPending || !dirty}>
              {t("prefs.save")}
            </Button>
            {dirty && <span className="lw-hint"> {t("prefs.unsaved")}</span>}
          </p>
        )}
        {saved && <Success>{t("prefs.saved")}</Success>}
      </section>
    </>
  );
}

function Choice({
  id, n, last, item, open, zone, onUp, onDown, onRemove,
}: {
  id: string; n: number; last: boolean; item: ProgrammeItem | undefined; open: boolean; zone: string;
  onUp: () => void; onDown: () => void; onRemove: () => void;
}) {
  const { t } = useTranslation("lottery");
  const title = item?.title ?? id;
  return (
    <li className="lw-pref">
      <span className="lw-pref__place">{t("prefs.place", { n })}</span>
      <span className="lw-pref__what">
        <Link to={`/sessies/${id}`}>{title}</Link>
        {item && <span className="lw-hint"> {dayLabel(dayKey(item.starts_at, zone))} {timeRange(item.starts_at, item.ends_at, zone)}</span>}
      </span>
      {open && (
        <span className="lw-buttons lw-pref__actions">
          {n > 1 && (
            <Button id={`pref-up-${id}`} appearance="subtle-button" onClick={onUp} aria-label={t("prefs.upLabel", { title })}>{t("prefs.up")}</Button>
          )}
          {!last && (
            <Button id={`pref-down-${id}`} appearance="subtle-button" onClick={onDown} aria-label={t("prefs.downLabel", { title })}>{t("prefs.down")}</Button>
          )}
          <Button id={`pref-remove-${id}`} appearance="subtle-button" onClick={onRemove} aria-label={t("prefs.removeLabel", { title })}>{t("prefs.remove")}</Button>
        </span>
      )}
    </li>
  );
}
