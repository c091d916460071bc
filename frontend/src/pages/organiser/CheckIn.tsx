// /organiseren/sessies/:id/aanmelden: the check-in at the door, made for a phone: search the
// confirmed participants as you type and tap a name to mark them present (tap again to undo),
// or type someone's check-in code. Every result is announced to screen readers.
import { Button, FormField, FormLabel, Heading1, Heading2, Paragraph, Textbox } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { api, ApiProblem, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { DEFAULT_ZONE, longDate, timeRange } from "../../format";
import { filterParticipants, presentCount, type EnrolmentItem } from "./forms";
import { BackLink, useEnrolments, useEvent, useSession } from "./shared";

type Agenda = Schemas["AgendaDto"];

export default function CheckIn() {
  const { id = "" } = useParams();
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const session = useSession(id);
  const event = useEvent(session.data?.event_id);
  // The list is read only by someone who may check people in (the session's `may` says).
  const enrolments = useEnrolments(session.data?.may.check_in ? id : undefined, 20_000);
  const [query, setQuery] = useState("");
  const [code, setCode] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const [greeting, setGreeting] = useState<string | null>(null);
  usePageTitle(t("checkIn.title"));

  const items = enrolments.data?.items ?? [];
  const shown = useMemo(() => filterParticipants(items, query), [items, query]);
  const { present, total } = presentCount(items);

  /** Put one enrolment's new attendance into the cached list, so the count follows at once. */
  const remember = (enrolmentId: string, attendance: string | null) =>
    qc.setQueryData<Agenda>(["enrolments", id], (old) =>
      old && { ...old, items: old.items.map((i) => (i.id === enrolmentId ? { ...i, attendance } : i)) },
    );

  const mark = useMutation({
    mutationFn: (v: { item: EnrolmentItem; attendance: "present" | null }) =>
      unwrap(api.PUT("/api/v1/enrolments/{id}/attendance", { params: { path: { id: v.item.id } }, body: { attendance: v.attendance } })),
    onSuccess: (r, v) => {
      remember(v.item.id, r.attendance ?? null);
      const name = v.item.person_name ?? t("checkIn.someone");
      setAnnouncement(r.attendance === "present" ? t("checkIn.markedPresent", { name }) : t("checkIn.unmarked", { name }));
    },
    onError: (e) => setAnnouncement(e instanceof ApiProblem ? e.detail : String(e)),
  });

  const checkIn = useMutation({
    mutationFn: (c: string) => unwrap(api.POST("/api/v1/sessions/{id}/check-in", { params: { path: { id } }, body: { code: c } })),
    onSuccess: (r) => {
      remember(r.enrolment_id, "present");
      const text = r.already_checked_in ? t("checkIn.already", { name: r.name }) : t("checkIn.welcome", { name: r.name });
      setGreeting(text);
      setAnnouncement(text);
      setCode("");
    },
    onError: (e) => {
      setGreeting(null);
      setAnnouncement(e instanceof ApiProblem ? e.detail : String(e));
    },
  });
  const submitCode = (ev: FormEvent) => {
    ev.preventDefault();
    if (!code.trim()) return;
    setGreeting(null);
    checkIn.mutate(code.trim());
  };

  if (session.isPending) return <Loading />;
  if (session.error) {
    return (
      <>
        <BackLink to="/organiseren">{t("back.overview")}</BackLink>
        <Heading1>{t("session.notFound")}</Heading1>
        <ProblemAlert error={session.error} />
      </>
    );
  }
  const s = session.data;
  const zone = event.data?.time_zone ?? DEFAULT_ZONE;
  if (!s.may.check_in) {
    return (
      <>
        <BackLink to={`/organiseren/sessies/${s.id}`}>{t("back.session")}</BackLink>
        <Heading1>{t("checkIn.title")}</Heading1>
        <Paragraph lead>{s.title}</Paragraph>
        <Paragraph>{t("readOnly.checkIn")}</Paragraph>
      </>
    );
  }

  return (
    <div className="lw-checkin">
      <BackLink to={`/organiseren/sessies/${s.id}`}>{t("back.session")}</BackLink>
      <Heading1>{t("checkIn.title")}</Heading1>
      <Paragraph lead>
        {s.title}
        <br />
        {longDate(s.starts_at, zone)}, {timeRange(s.starts_at, s.ends_at, zone)}
      </Paragraph>
      <p className="lw-checkin__count">{enrolments.data ? t("checkIn.count", { present, total }) : "\u00a0"}</p>
      <p className="lw-visually-hidden" aria-live="polite" aria-atomic="true">{announcement}</p>

      <section aria-labelledby="code-h" className="lw-checkin__code">
        <Heading2 id="code-h">{t("checkIn.codeTitle")}</Heading2>
        <form onSubmit={submitCode} noValidate className="lw-checkin__code-form">
          <FormField>
            <div className="utrecht-form-field__label">
              <FormLabel htmlFor="ci-code">{t("checkIn.code")}</FormLabel>
            </div>
            <div className="utrecht-form-field__input">
              <Textbox
                id="ci-code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                placeholder="XXXX-XXXX-XXXX"
                invalid={!!checkIn.error}
                aria-describedby={checkIn.error ? "ci-code-problem" : undefined}
              />
            </div>
          </FormField>
          <Button type="submit" appearance="primary-action-button" busy={checkIn.isPending} disabled={checkIn.isPending}>
            {t("checkIn.codeSubmit")}
          </Button>
        </form>
        {greeting && <p className="lw-checkin__greeting">{greeting}</p>}
        {checkIn.error && <div id="ci-code-problem"><ProblemAlert error={checkIn.error} /></div>}
      </section>

      <section aria-labelledby="list-h">
        <Heading2 id="list-h">{t("checkIn.listTitle")}</Heading2>
        <FormField className="lw-checkin__search">
          <div className="utrecht-form-field__label">
            <FormLabel htmlFor="ci-search">{t("checkIn.search")}</FormLabel>
          </div>
          <div className="utrecht-form-field__input">
            <Textbox id="ci-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" spellCheck={false} />
          </div>
        </FormField>
        {mark.error && <ProblemAlert error={mark.error} />}
        {enrolments.isPending ? (
          <Loading />
        ) : enrolments.error ? (
          <ProblemAlert error={enrolments.error} />
        ) : total === 0 ? (
          <Empty>{t("participants.none")}</Empty>
        ) : shown.length === 0 ? (
          <Empty>{t("checkIn.noMatch", { query })}</Empty>
        ) : (
          <ul className="lw-checkin__list">
            {shown.map((i) => {
              const isPresent = i.attendance === "present";
              const busy = mark.isPending && mark.variables?.item.id === i.id;
              return (
                <li key={i.id}>
                  <button
                    type="button"
                    className={isPresent ? "lw-checkin__person lw-checkin__person--present" : "lw-checkin__person"}
                    aria-pressed={isPresent}
                    aria-busy={busy || undefined}
                    disabled={busy}
                    onClick={() => mark.mutate({ item: i, attendance: isPresent ? null : "present" })}
                  >
                    <span className="lw-checkin__name">{i.person_name ?? i.person_email ?? "—"}</span>
                    <span className="lw-checkin__state">
                      <span aria-hidden="true" className="lw-checkin__tick">{isPresent ? "✓" : ""}</span>
                      {t("checkIn.present")}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
