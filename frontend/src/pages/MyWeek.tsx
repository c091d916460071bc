// "Mijn week": the person's sessions as an agenda, their check-in codes, the calendar feed to
// subscribe to and an .ics file to download.
import { Button, Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { MyStatusBadge } from "../components/SeatBadge";
import { Empty, Loading, ProblemAlert } from "../components/States";
import { dateTime, dayKey, dayLabel, timeRange } from "../format";
import { useAgenda, type AgendaItem } from "../hooks/programme";

export function MyWeek() {
  const { t } = useTranslation();
  const { t: ta } = useTranslation("approval");
  usePageTitle(t("myWeek.title"));
  const agenda = useAgenda();
  const days = useMemo(() => {
    const groups = new Map<string, AgendaItem[]>();
    for (const i of agenda.data?.items ?? []) {
      if (i.status === "cancelled") continue;
      const k = dayKey(i.starts_at);
      groups.set(k, [...(groups.get(k) ?? []), i]);
    }
    return [...groups.entries()];
  }, [agenda.data]);

  return (
    <>
      <Heading1>{t("myWeek.title")}</Heading1>
      <Paragraph lead>{t("myWeek.intro")}</Paragraph>
      <ProblemAlert error={agenda.error} />
      {agenda.isPending && <Loading />}
      {agenda.data && days.length === 0 && (
        <Empty>
          {t("myWeek.empty")} <Link to="/">{t("myWeek.toProgramme")}</Link>
        </Empty>
      )}
      {days.map(([day, items]) => (
        <section key={day} aria-labelledby={`d-${day}`} className="lw-day">
          <Heading2 id={`d-${day}`}>{dayLabel(day)}</Heading2>
          <ul className="lw-sessions">
            {items.map((i) => (
              <li key={i.id} className={`lw-session lw-session--${i.status}`}>
                <h3 className="utrecht-heading-3 lw-session__title">
                  <Link to={`/sessies/${i.session_id}`}>{i.title}</Link>
                </h3>
                <p className="lw-session__meta">
                  <span className="lw-session__time">{timeRange(i.starts_at, i.ends_at)}</span>
                  {[i.location.venue, i.location.room].filter(Boolean).length > 0 && (
                    <> · {[i.location.venue, i.location.room].filter(Boolean).join(", ")}</>
                  )}
                  {i.session_status === "cancelled" && <> · <strong>{t("session.cancelled")}</strong></>}
                </p>
                <p className="lw-session__badges">
                  <MyStatusBadge status={i.status} position={i.waitlist_position} />
                  {i.status === "pending_approval" && i.approval_due_at && (
                    <> {ta("status.pending", { at: dateTime(i.approval_due_at) })}</>
                  )}
                  {i.check_in_code && (
                    <> {t("session.checkInCode")} <strong className="lw-code">{i.check_in_code}</strong></>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <CalendarFeed />
    </>
  );
}

export function CalendarFeed() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const state = useQuery({
    queryKey: ["calendar-token"],
    queryFn: () => unwrap(api.GET("/api/v1/me/calendar-token")),
  });
  const make = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/me/calendar-token")),
    onSuccess: (r) => {
      setUrl(r.url ?? null);
      void qc.invalidateQueries({ queryKey: ["calendar-token"] });
    },
  });
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/me/calendar-token")),
    onSuccess: () => {
      setUrl(null);
      void qc.invalidateQueries({ queryKey: ["calendar-token"] });
    },
  });
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section aria-labelledby="cal-heading" className="lw-card">
      <Heading2 id="cal-heading">{t("myWeek.calendarTitle")}</Heading2>
      <Paragraph>{t("myWeek.calendarIntro")}</Paragraph>
      <p>
        <a className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href="/api/v1/me/calendar.ics" download="leerweek.ics">
          {t("myWeek.download")}
        </a>
      </p>
      <ProblemAlert error={state.error ?? make.error ?? revoke.error} />
      {url ? (
        <div>
          <label htmlFor="feed-url" className="utrecht-form-label">{t("myWeek.feedUrl")}</label>
          <input id="feed-url" className="utrecht-textbox utrecht-textbox--html-input lw-feed" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <p className="lw-hint">{t("myWeek.feedOnce")}</p>
          <Button appearance="secondary-action-button" onClick={() => void copy()}>{t("myWeek.copy")}</Button>
          <span role="status" aria-live="polite">{copied ? ` ${t("myWeek.copied")}` : ""}</span>
        </div>
      ) : null}
      <p className="lw-buttons">
        <Button appearance={state.data?.active ? "secondary-action-button" : "primary-action-button"} onClick={() => make.mutate()} busy={make.isPending} disabled={make.isPending}>
          {state.data?.active ? t("myWeek.feedRenew") : t("myWeek.feedMake")}
        </Button>{" "}
        {state.data?.active && (
          <Button appearance="subtle-button" onClick={() => revoke.mutate()} busy={revoke.isPending} disabled={revoke.isPending}>
            {t("myWeek.feedRevoke")}
          </Button>
        )}
      </p>
    </section>
  );
}
