// /organiseren/sessies/:id: one session for its organiser: participants and waiting list,
// attendance, the certificates of attendance, moving it, its capacity, cancelling it, each only where the session's `may` allows.
// A session someone may only look at (another municipality's) shows what it is and whom to ask.
import {
  Button, DataList, DataListItem, DataListKey, DataListValue, Heading1, Heading2, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { MessageParticipants } from "../../components/MessageParticipants";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { DEFAULT_ZONE, longDate, timeRange, toLocalInput } from "../../format";
import { fieldErrors, intOrNull, movePatch, type EnrolmentItem, type SessionDto } from "./forms";
import { MissingAlert } from "./MissingAlert";
import { CancelEnrolment } from "./CancelEnrolment";
import { cancellable } from "./manage";
import { QuotaEditor } from "./QuotaEditor";
import { SessionCertificates } from "./SessionCertificates";
import { TrainerPicker } from "./TrainerPicker";
import { BackLink, Confirm, SaveButton, StatusBadge, TextField, useEnrolments, useEvent, useOrganisations, useRequired, useSession, useWorkshop } from "./shared";

export default function SessionAdmin() {
  const { id = "" } = useParams();
  const { t } = useTranslation("organiser");
  const session = useSession(id);
  const workshop = useWorkshop(session.data?.workshop_id);
  const event = useEvent(session.data?.event_id);
  const organisations = useOrganisations();
  usePageTitle(session.data ? t("session.pageTitle", { title: session.data.title }) : t("session.titleFallback"));

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
  const cancelled = s.status === "cancelled";
  const place = [s.location.venue, s.location.room, s.location.address].filter(Boolean).join(", ");
  const may = s.may;
  // Someone who may do nothing here (a session of another municipality) sees what it is.
  const readOnly = !may.edit && !may.cancel && !may.see_participants && !may.check_in && !may.message;
  const participating = (organisations.data ?? []).filter((o) => event.data?.organisation_ids.includes(o.id));
  const hostName = organisations.data?.find((o) => o.id === s.host_organisation_id)?.name ?? "";
  return (
    <>
      <BackLink to={`/organiseren/workshops/${s.workshop_id}`}>
        {workshop.data ? t("back.workshopNamed", { name: workshop.data.title }) : t("back.workshop")}
      </BackLink>
      <Heading1>{s.title}</Heading1>
      <Paragraph lead>
        {longDate(s.starts_at, zone)}, {timeRange(s.starts_at, s.ends_at, zone)}
      </Paragraph>
      <p className="lw-session__badges">
        <StatusBadge status={s.status} />{" "}
        <span>{t("session.taken", { taken: s.confirmed_count, capacity: s.capacity, waiting: s.waitlist_count })}</span>
      </p>
      {readOnly ? (
        <ReadOnlySession session={s} zone={zone} place={place} />
      ) : (
        (place || s.online_url) && <Paragraph>{place || t("session.online")}</Paragraph>
      )}
      {!cancelled && may.check_in && (
        <p className="lw-buttons">
          <Link className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action lw-big-link" to={`/organiseren/sessies/${s.id}/aanmelden`}>
            {t("checkIn.open")}
          </Link>
        </p>
      )}
      {may.see_participants && <Participants session={s} mayCancel={may.cancel_enrolments} />}
      {!cancelled && may.check_in && <Attendance session={s} />}
      {!cancelled && may.check_in && <SessionCertificates sessionId={s.id} />}
      {!cancelled && may.message && (
        <div id="bericht">
          <MessageParticipants sessionId={s.id} />
        </div>
      )}
      {!cancelled && may.edit && <Move session={s} zone={zone} />}
      {!cancelled && may.edit && <Capacity session={s} />}
      {!cancelled && may.edit && event.data && organisations.data && (
        <QuotaEditor key={s.id} session={s} zone={zone} organisations={participating} />
      )}
      {!cancelled && may.edit && <TrainerPicker session={s} hostName={hostName} />}
      {may.cancel && <CancelSession session={s} />}
    </>
  );
}

/** A session the person may only look at: who hosts it, when and where, its seats, whom to ask. */
function ReadOnlySession({ session, zone, place }: { session: SessionDto; zone: string; place: string }) {
  const { t } = useTranslation("organiser");
  const organisations = useOrganisations();
  const host = organisations.data?.find((o) => o.id === session.host_organisation_id)?.name ?? t("readOnly.anotherOrganisation");
  const contacts = useQuery({
    queryKey: ["session-contacts", session.id],
    queryFn: () => unwrap(api.GET("/api/v1/sessions/{id}/contacts", { params: { path: { id: session.id } } })),
    enabled: session.may.see_contacts,
  });
  const people = contacts.data ?? [];
  return (
    <section aria-labelledby="read-only-h">
      <Heading2 id="read-only-h">{t("readOnly.title")}</Heading2>
      <Paragraph>{t("readOnly.session", { host })}</Paragraph>
      <DataList className="lw-facts">
        <DataListItem>
          <DataListKey>{t("readOnly.host")}</DataListKey>
          <DataListValue>{host}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("readOnly.when")}</DataListKey>
          <DataListValue>{longDate(session.starts_at, zone)}, {timeRange(session.starts_at, session.ends_at, zone)}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("readOnly.where")}</DataListKey>
          <DataListValue>{place || (session.online_url ? t("session.online") : "—")}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("readOnly.seats")}</DataListKey>
          <DataListValue>{t("session.taken", { taken: session.confirmed_count, capacity: session.capacity, waiting: session.waitlist_count })}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("readOnly.contact")}</DataListKey>
          <DataListValue>
            {people.length === 0 ? (
              t("readOnly.contactText", { host })
            ) : (
              <ul className="lw-plain-list">
                {people.map((p) => (
                  <li key={p.email}>
                    {p.name} (<a href={`mailto:${p.email}`}>{p.email}</a>)
                  </li>
                ))}
              </ul>
            )}
          </DataListValue>
        </DataListItem>
      </DataList>
    </section>
  );
}

function Participants({ session, mayCancel }: { session: SessionDto; mayCancel: boolean }) {
  const { t } = useTranslation("organiser");
  const { t: tm } = useTranslation("manage");
  const [cancelled, setCancelled] = useState<string | null>(null);
  const enrolments = useEnrolments(session.id);
  const cancelCell = (i: EnrolmentItem) =>
    mayCancel && (
      <TableCell>
        {cancellable(i) ? <CancelEnrolment item={i} session={session} onDone={(name) => { setCancelled(tm("cancel.done", { name })); document.getElementById("participants-h")?.focus(); }} /> : i.attendance ? tm("cancel.recorded") : "—"}
      </TableCell>
    );
  const cancelHeader = mayCancel && <TableHeaderCell scope="col">{tm("cancel.column")}</TableHeaderCell>;
  const items = enrolments.data?.items ?? [];
  // Seats: confirmed, and held for a manager's approval (shown as such).
  const confirmed = items.filter((i) => i.status === "confirmed" || i.status === "pending_approval").sort(byName);
  const waiting = items
    .filter((i) => i.status === "waitlisted")
    .sort((a, b) => (a.waitlist_position ?? 0) - (b.waitlist_position ?? 0));

  return (
    <>
      <section aria-labelledby="participants-h">
        <Heading2 id="participants-h" tabIndex={-1}>{t("participants.title", { count: confirmed.length })}</Heading2>
        <div aria-live="polite">{cancelled && <Success>{cancelled}</Success>}</div>
        {session.may.export && (
          <p>
            <a href={`/api/v1/sessions/${session.id}/enrolments?format=csv`} download={`deelnemers-${session.id}.csv`}>
              {t("participants.csv")}
            </a>
          </p>
        )}
        {enrolments.isPending ? (
          <Loading />
        ) : enrolments.error ? (
          <ProblemAlert error={enrolments.error} />
        ) : confirmed.length === 0 ? (
          <Empty>{t("participants.none")}</Empty>
        ) : (
          <div className="lw-table-wrap">
            <Table className="lw-table" aria-labelledby="participants-h">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("participants.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.email")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.status")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.attendance")}</TableHeaderCell>
                  {cancelHeader}
                </TableRow>
              </TableHeader>
              <TableBody>
                {confirmed.map((i) => (
                  <TableRow key={i.id}>
                    <TableCell>{i.person_name ?? "—"}</TableCell>
                    <TableCell>{i.person_email ? <a href={`mailto:${i.person_email}`}>{i.person_email}</a> : "—"}</TableCell>
                    <TableCell>{t(`enrolment.${i.status}`, { defaultValue: i.status })}</TableCell>
                    <TableCell>{attendanceText(t, i)}</TableCell>
                    {cancelCell(i)}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
      <section aria-labelledby="waiting-h">
        <Heading2 id="waiting-h">{t("participants.waitingTitle", { count: waiting.length })}</Heading2>
        {enrolments.isPending ? null : waiting.length === 0 ? (
          <Empty>{t("participants.noneWaiting")}</Empty>
        ) : (
          <div className="lw-table-wrap">
            <Table className="lw-table" aria-labelledby="waiting-h">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("participants.position")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.email")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("participants.status")}</TableHeaderCell>
                  {cancelHeader}
                </TableRow>
              </TableHeader>
              <TableBody>
                {waiting.map((i) => (
                  <TableRow key={i.id}>
                    <TableCell>{i.waitlist_position ?? "—"}</TableCell>
                    <TableCell>{i.person_name ?? "—"}</TableCell>
                    <TableCell>{i.person_email ? <a href={`mailto:${i.person_email}`}>{i.person_email}</a> : "—"}</TableCell>
                    <TableCell>{t(`enrolment.${i.status}`, { defaultValue: i.status })}</TableCell>
                    {cancelCell(i)}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
    </>
  );
}

function byName(a: EnrolmentItem, b: EnrolmentItem): number {
  return (a.person_name ?? "").localeCompare(b.person_name ?? "", "nl");
}

function attendanceText(t: (k: string, o?: Record<string, unknown>) => string, i: EnrolmentItem): string {
  if (!i.attendance) return t("attendance.none");
  const text = t(`attendance.${i.attendance}`, { defaultValue: i.attendance });
  return i.checked_in_at ? `${text} (${t("attendance.withCode")})` : text;
}

function Attendance({ session }: { session: SessionDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (what: "all" | "close") =>
      what === "all"
        ? unwrap(api.POST("/api/v1/sessions/{id}/attendance/all-present", { params: { path: { id: session.id } } }))
        : unwrap(api.POST("/api/v1/sessions/{id}/attendance/close", { params: { path: { id: session.id } } })),
    onSuccess: async (r, what) => {
      setAsking(false);
      setDone(what === "all" ? t("attendance.allDone", { count: r.marked }) : t("attendance.closedDone", { count: r.marked }));
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["enrolments", session.id] }),
        qc.invalidateQueries({ queryKey: ["session", session.id] }),
      ]);
    },
  });
  const started = new Date(session.starts_at) <= new Date();
  // Attendance can be recorded from an hour before the start.
  const open = new Date(session.starts_at).getTime() - 3_600_000 <= Date.now();
  const ended = new Date(session.ends_at) <= new Date();
  return (
    <section aria-labelledby="attendance-h">
      <Heading2 id="attendance-h">{t("attendance.title")}</Heading2>
      <div aria-live="polite">
        {done && <Success>{done}</Success>}
        <ProblemAlert error={act.error} />
      </div>
      {session.attendance_closed_at ? (
        <Paragraph>{t("attendance.isClosed")}</Paragraph>
      ) : (
        <>
          <Paragraph className="lw-hint">{started ? t("attendance.hint") : t("attendance.notStarted")}</Paragraph>
          <div className="lw-buttons">
            {open && (
              <Button appearance="secondary-action-button" onClick={() => { setDone(null); act.mutate("all"); }} busy={act.isPending && act.variables === "all"} disabled={act.isPending}>
                {t("attendance.all")}
              </Button>
            )}
            {ended && !asking && (
              <Button appearance="secondary-action-button" onClick={() => { setDone(null); setAsking(true); }}>
                {t("attendance.close")}
              </Button>
            )}
          </div>
          {asking && (
            <Confirm
              id="close-attendance"
              question={t("attendance.closeConfirm")}
              yes={t("attendance.closeYes")}
              no={t("form.no")}
              busy={act.isPending}
              onYes={() => act.mutate("close")}
              onNo={() => setAsking(false)}
            />
          )}
        </>
      )}
    </section>
  );
}

function Move({ session, zone }: { session: SessionDto; zone: string }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [starts, setStarts] = useState(() => toLocalInput(session.starts_at, zone));
  const [ends, setEnds] = useState(() => toLocalInput(session.ends_at, zone));
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: (body: Schemas["SessionPatchDto"]) =>
      unwrap(api.PATCH("/api/v1/sessions/{id}", { params: { path: { id: session.id } }, body })),
    onSuccess: async (s) => {
      setAsking(false);
      setDone(t("move.done", { when: `${longDate(s.starts_at, zone)}, ${timeRange(s.starts_at, s.ends_at, zone)}` }));
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["enrolments", session.id] }),
        qc.invalidateQueries({ queryKey: ["workshop-sessions", session.workshop_id] }),
        qc.invalidateQueries({ queryKey: ["programme", session.event_id] }),
      ]);
      qc.setQueryData(["session", session.id], s);
    },
  });
  const patch = movePatch(session, starts, ends, zone);
  const unchanged = Object.keys(patch).length === 0;
  const errors = fieldErrors(move.error);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setDone(null);
    if (!unchanged) setAsking(true);
  };
  return (
    <section aria-labelledby="move-h" className="lw-card">
      <Heading2 id="move-h">{t("move.title")}</Heading2>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <form onSubmit={submit} noValidate className="lw-form">
        <ProblemAlert error={move.error} title={t("form.notSaved")} />
        <div className="lw-form-row">
          <TextField id="mv-start" type="datetime-local" label={t("session.start")} hint={t("form.amsterdamTime")} required value={starts} onValue={(v) => { setAsking(false); setStarts(v); }} error={errors.starts_at} />
          <TextField id="mv-end" type="datetime-local" label={t("session.end")} hint={t("form.amsterdamTime")} required value={ends} onValue={(v) => { setAsking(false); setEnds(v); }} error={errors.ends_at} />
        </div>
        {!asking && (
          <div className="lw-buttons">
            <Button type="submit" appearance="primary-action-button" disabled={unchanged}>{t("move.submit")}</Button>
            {unchanged && <span className="lw-hint">{t("move.unchanged")}</span>}
          </div>
        )}
      </form>
      {asking && (
        <Confirm
          id="move-confirm"
          question={t("move.confirm", { count: session.confirmed_count })}
          yes={t("move.yes")}
          no={t("form.no")}
          busy={move.isPending}
          onYes={() => move.mutate(patch)}
          onNo={() => setAsking(false)}
        />
      )}
    </section>
  );
}

function Capacity({ session }: { session: SessionDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [value, setValue] = useState(String(session.capacity));
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (capacity: number) =>
      unwrap(api.PATCH("/api/v1/sessions/{id}", { params: { path: { id: session.id } }, body: { capacity } })),
    onSuccess: async (s) => {
      setDone(t("capacity.done", { count: s.capacity }));
      qc.setQueryData(["session", session.id], s);
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["enrolments", session.id] }),
        qc.invalidateQueries({ queryKey: ["workshop-sessions", session.workshop_id] }),
        qc.invalidateQueries({ queryKey: ["programme", session.event_id] }),
      ]);
    },
  });
  const required = useRequired({ capacity: value }, ["capacity"], "cap");
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setDone(null);
    save.reset();
    if (required.check()) save.mutate(intOrNull(value) ?? Number.NaN);
  };
  return (
    <section aria-labelledby="capacity-h" className="lw-card">
      <Heading2 id="capacity-h">{t("capacity.title")}</Heading2>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <form onSubmit={submit} noValidate className="lw-form">
        <MissingAlert count={required.missing.length} />
        <ProblemAlert error={save.error} title={t("form.notSaved")} />
        <TextField
          id="cap-capacity" type="number" min={1} max={10000} label={t("session.capacity")} required
          hint={t("capacity.hint", { count: session.confirmed_count })}
          value={value} onValue={(v) => { setDone(null); setValue(v); }} error={fieldErrors(save.error).capacity ?? required.messages.capacity}
          className="lw-field--short"
        />
        <SaveButton busy={save.isPending}>{t("capacity.submit")}</SaveButton>
      </form>
    </section>
  );
}

function CancelSession({ session }: { session: SessionDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/sessions/{id}/cancel", { params: { path: { id: session.id } } })),
    onSuccess: async (s) => {
      setAsking(false);
      qc.setQueryData(["session", session.id], s);
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["workshop-sessions", session.workshop_id] }),
        qc.invalidateQueries({ queryKey: ["programme", session.event_id] }),
      ]);
    },
  });
  return (
    <section aria-labelledby="cancel-session-h" className="lw-actions">
      <Heading2 id="cancel-session-h">{t("cancelSession.title")}</Heading2>
      <div aria-live="polite">
        {cancel.isSuccess && <Success>{t("cancelSession.done")}</Success>}
        <ProblemAlert error={cancel.error} />
      </div>
      {session.status === "cancelled" ? (
        !cancel.isSuccess && <Paragraph>{t("cancelSession.isCancelled")}</Paragraph>
      ) : asking ? (
        <Confirm
          id="cancel-session"
          question={t("cancelSession.confirm")}
          yes={t("cancelSession.yes")}
          no={t("form.no")}
          busy={cancel.isPending}
          onYes={() => cancel.mutate()}
          onNo={() => setAsking(false)}
        />
      ) : (
        <>
          <Paragraph>{t("cancelSession.text")}</Paragraph>
          <Button appearance="secondary-action-button" onClick={() => setAsking(true)}>{t("cancelSession.submit")}</Button>
        </>
      )}
    </section>
  );
}
