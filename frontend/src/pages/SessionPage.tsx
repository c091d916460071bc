// One session: what, who, where, how full; enrol, join the waiting list or cancel, with the
// cancellation deadline shown and every refusal explained in the server's own words.
import { Button, DataList, DataListItem, DataListKey, DataListValue, Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, ApiProblem, unwrap } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { MyStatusBadge, SeatBadge } from "../components/SeatBadge";
import { Loading, ProblemAlert, Success } from "../components/States";
import { dateTime, hoursBefore, longDate, timeRange } from "../format";
import { useOrganisations } from "../hooks/organisations";
import { bySession, useAgenda } from "../hooks/programme";
import { skillNames } from "../skills";

export function SessionPage() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const { t: tl } = useTranslation("lottery");
  const { t: ta } = useTranslation("approval");
  const qc = useQueryClient();
  const session = useQuery({
    queryKey: ["session", id],
    queryFn: () => unwrap(api.GET("/api/v1/sessions/{id}", { params: { path: { id } } })),
    refetchInterval: 15_000,
  });
  const eventId = session.data?.event_id;
  const event = useQuery({
    queryKey: ["event", eventId],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}", { params: { path: { id: eventId! } } })),
    enabled: !!eventId,
  });
  const workshop = useQuery({
    queryKey: ["workshop", session.data?.workshop_id],
    queryFn: () => unwrap(api.GET("/api/v1/workshops/{id}", { params: { path: { id: session.data!.workshop_id } } })),
    enabled: !!session.data,
  });
  // The host's name from the (small, long-cached) list of organisations, not the whole programme.
  const organisations = useOrganisations();
  const agenda = useAgenda();
  const mine = bySession(agenda.data?.items).get(id);
  const [done, setDone] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  usePageTitle(session.data?.title);

  const refresh = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ["agenda"] }),
      qc.invalidateQueries({ queryKey: ["session", id] }),
      qc.invalidateQueries({ queryKey: ["programme"] }),
    ]);
  };
  const enrol = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/sessions/{id}/enrolments", {
          params: { path: { id } },
          body: {},
          headers: { "Idempotency-Key": crypto.randomUUID() },
        }),
      ),
    onSuccess: async (e) => {
      setDone(
        e.status === "pending_approval"
          ? ta("status.enrolledPending", { at: e.approval_due_at ? dateTime(e.approval_due_at, event.data?.time_zone) : "" })
          : e.status === "confirmed"
            ? t("session.enrolled")
            : t("session.waitlisted", { position: e.waitlist_position }),
      );
      await refresh();
    },
  });
  const cancel = useMutation({
    mutationFn: (enrolmentId: string) => unwrap(api.DELETE("/api/v1/enrolments/{id}", { params: { path: { id: enrolmentId } } })),
    onSuccess: async () => {
      setConfirmCancel(false);
      setDone(t("session.cancelledOk"));
      await refresh();
    },
  });

  if (session.isPending) return <Loading />;
  if (session.error) {
    return (
      <>
        <Heading1>{t("session.notFoundTitle")}</Heading1>
        <ProblemAlert error={session.error} />
        <Paragraph><Link to="/">{t("session.back")}</Link></Paragraph>
      </>
    );
  }
  const s = session.data;
  const zone = event.data?.time_zone;
  // A lottery week before its allocation: people rank sessions instead of enrolling.
  const lotteryPending = event.data?.allocation === "lottery" && !event.data.allocated_at;
  const deadline = event.data ? hoursBefore(s.starts_at, event.data.cancellation_deadline_hours) : null;
  const started = new Date(s.starts_at) <= new Date();
  const cancelled = s.status === "cancelled";
  const place = [s.location.venue, s.location.room, s.location.address].filter(Boolean).join(", ");
  const waitlist = s.waitlist_count;
  const host = organisations.data?.find((o) => o.id === s.host_organisation_id)?.name;

  return (
    <>
      <p className="lw-crumbs">
        <Link to={eventId ? `/?week=${eventId}` : "/"}>{t("session.back")}</Link>
      </p>
      <Heading1>{s.title}</Heading1>
      <Paragraph lead>
        {longDate(s.starts_at, zone)}, {timeRange(s.starts_at, s.ends_at, zone)}
      </Paragraph>
      <p className="lw-session__badges">
        <SeatBadge seatsLeft={s.seats_left} waitlist={waitlist} cancelled={cancelled} />{" "}
        {mine && <MyStatusBadge status={mine.status} position={mine.waitlist_position} />}
      </p>

      <div className="lw-actions" aria-live="polite">
        {done && <Success>{done}</Success>}
        <ProblemAlert error={enrol.error ?? cancel.error} />
        {enrol.error instanceof ApiProblem && typeof enrol.error.extra.overlapping_session_id === "string" && (
          <Paragraph>
            <Link to={`/sessies/${enrol.error.extra.overlapping_session_id}`}>{t("session.seeOverlap")}</Link>
          </Paragraph>
        )}
        {lotteryPending && !mine && !cancelled && !started && (
          <Paragraph>
            {tl("session.lotteryText")} <Link to={`/voorkeuren?week=${eventId}`}>{tl("session.toPreferences")}</Link>
          </Paragraph>
        )}
        {!lotteryPending && !cancelled && !started && !mine && (
          <Button appearance="primary-action-button" onClick={() => { setDone(null); enrol.mutate(); }} busy={enrol.isPending} disabled={enrol.isPending}>
            {s.seats_left > 0 ? t("session.enrol") : t("session.joinWaitlist")}
          </Button>
        )}
        {mine && !started && !confirmCancel && (
          <Button appearance="secondary-action-button" onClick={() => { setDone(null); setConfirmCancel(true); }}>
            {mine.status === "waitlisted" ? t("session.leaveWaitlist") : t("session.cancel")}
          </Button>
        )}
        {mine && confirmCancel && (
          <div className="lw-confirm" role="group" aria-labelledby="confirm-q">
            <Paragraph id="confirm-q">{t("session.cancelConfirm")}</Paragraph>
            <Button appearance="primary-action-button" onClick={() => cancel.mutate(mine.id)} busy={cancel.isPending} disabled={cancel.isPending}>
              {t("session.cancelYes")}
            </Button>{" "}
            <Button appearance="subtle-button" onClick={() => setConfirmCancel(false)}>{t("session.cancelNo")}</Button>
          </div>
        )}
        {deadline && !cancelled && !started && (
          <Paragraph className="lw-hint">{t("session.deadline", { at: dateTime(deadline, zone) })}</Paragraph>
        )}
        {started && !cancelled && <Paragraph className="lw-hint">{t("session.started")}</Paragraph>}
        {mine?.check_in_code && (
          <Paragraph>
            {t("session.checkInCode")} <strong className="lw-code">{mine.check_in_code}</strong>
          </Paragraph>
        )}
      </div>

      <Heading2>{t("session.about")}</Heading2>
      {workshop.data ? <Paragraph className="lw-description">{workshop.data.description}</Paragraph> : <Loading />}
      <DataList className="lw-facts">
        <DataListItem>
          <DataListKey>{t("session.host")}</DataListKey>
          <DataListValue>{host ?? "—"}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("session.trainer")}</DataListKey>
          <DataListValue>{workshop.data?.trainer ?? t("session.noTrainer")}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("session.theme")}</DataListKey>
          <DataListValue>{workshop.data?.theme ?? "—"}</DataListValue>
        </DataListItem>
        {workshop.data && workshop.data.skills.length > 0 && (
          <DataListItem>
            <DataListKey>{t("session.skills")}</DataListKey>
            <DataListValue>{skillNames(workshop.data.skills, i18n.language)}</DataListValue>
          </DataListItem>
        )}
        <DataListItem>
          <DataListKey>{t("session.format")}</DataListKey>
          <DataListValue>{workshop.data ? t(`format.${workshop.data.format}`, { defaultValue: workshop.data.format }) : "—"}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("session.place")}</DataListKey>
          <DataListValue>{place || (s.online_url ? t("format.online") : "—")}</DataListValue>
        </DataListItem>
        {s.online_url && mine?.status === "confirmed" && (
          <DataListItem>
            <DataListKey>{t("session.onlineLink")}</DataListKey>
            <DataListValue><a href={s.online_url} rel="noopener noreferrer">{s.online_url}</a></DataListValue>
          </DataListItem>
        )}
        <DataListItem>
          <DataListKey>{t("session.seats")}</DataListKey>
          <DataListValue>{t("session.seatsOf", { taken: s.confirmed_count, capacity: s.capacity, waiting: waitlist })}</DataListValue>
        </DataListItem>
        <DataListItem>
          <DataListKey>{t("session.language")}</DataListKey>
          <DataListValue>{workshop.data?.language === "en" ? "English" : "Nederlands"}</DataListValue>
        </DataListItem>
      </DataList>
    </>
  );
}
