// /organiseren/workshops/:id: one workshop: its sessions, a new session, its details, cancelling it,
// each only where the workshop's `may` allows (another municipality's workshop is only shown).
import { Button, Heading1, Heading2, Paragraph, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { DEFAULT_ZONE, longDate, timeRange } from "../../format";
import { skillNames } from "../../skills";
import {
  emptySessionForm, fieldErrors, needsLink, needsPlace, newSessionBody, sessionRequired, workshopFormOf, workshopPatch, WORKSHOP_REQUIRED,
  type EventDto, type SessionForm, type WorkshopDto, type WorkshopForm,
} from "./forms";
import { MissingAlert } from "./MissingAlert";
import { BackLink, Confirm, SaveButton, SelectField, StatusBadge, TextField, useEvent, useOrganisations, useRequired, useWorkshop } from "./shared";
import { WorkshopFields } from "./WorkshopFields";

export default function WorkshopPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("organiser");
  const { t: ts, i18n } = useTranslation("skills");
  const location = useLocation();
  const workshop = useWorkshop(id);
  const event = useEvent(workshop.data?.event_id);
  const organisations = useOrganisations();
  usePageTitle(workshop.data?.title ?? t("workshop.titleFallback"));

  if (workshop.isPending) return <Loading />;
  if (workshop.error) {
    return (
      <>
        <BackLink to="/organiseren">{t("back.overview")}</BackLink>
        <Heading1>{t("workshop.notFound")}</Heading1>
        <ProblemAlert error={workshop.error} />
      </>
    );
  }
  const w = workshop.data;
  const host = organisations.data?.find((o) => o.id === w.host_organisation_id)?.name;
  const cancelled = w.status === "cancelled";
  return (
    <>
      <BackLink to={`/organiseren/weken/${w.event_id}`}>
        {event.data ? t("back.eventNamed", { name: event.data.name }) : t("back.event")}
      </BackLink>
      <Heading1>{w.title}</Heading1>
      <Paragraph lead>
        <StatusBadge status={w.status} /> {host && t("workshop.hostedBy", { name: host })}
      </Paragraph>
      <Paragraph className="lw-skills-line">
        <strong>{ts("workshop.label")}:</strong> {w.skills.length > 0 ? skillNames(w.skills, i18n.language) : ts("workshop.none")}
      </Paragraph>
      {(location.state as { created?: boolean } | null)?.created && <Success>{t("workshop.created")}</Success>}
      {!w.may.edit && !w.may.add_session && !w.may.cancel && (
        <Paragraph>{t("readOnly.workshop", { host: host ?? t("readOnly.anotherOrganisation") })}</Paragraph>
      )}
      <Sessions workshop={w} event={event.data} />
      {!cancelled && w.may.add_session && event.data && <NewSession workshop={w} event={event.data} participating={(organisations.data ?? []).filter((o) => event.data!.organisation_ids.includes(o.id))} />}
      {!cancelled && w.may.edit && <EditWorkshop key={w.id} workshop={w} participating={(organisations.data ?? []).filter((o) => event.data?.organisation_ids.includes(o.id))} />}
      {w.may.cancel && <CancelWorkshop workshop={w} />}
    </>
  );
}

function Sessions({ workshop, event }: { workshop: WorkshopDto; event?: EventDto }) {
  const { t } = useTranslation("organiser");
  const zone = event?.time_zone ?? DEFAULT_ZONE;
  const sessions = useQuery({
    queryKey: ["workshop-sessions", workshop.id],
    queryFn: () => unwrap(api.GET("/api/v1/workshops/{id}/sessions", { params: { path: { id: workshop.id } } })),
  });
  return (
    <section aria-labelledby="sessions-h">
      <Heading2 id="sessions-h">{t("workshop.sessions")}</Heading2>
      {sessions.isPending ? (
        <Loading />
      ) : sessions.error ? (
        <ProblemAlert error={sessions.error} />
      ) : sessions.data.length === 0 ? (
        <Empty>{workshop.may.add_session ? t("workshop.noSessions") : t("readOnly.noSessions")}</Empty>
      ) : (
        <ul className="lw-plain-list">
          {[...sessions.data].sort((a, b) => a.starts_at.localeCompare(b.starts_at)).map((s) => (
            <li key={s.id} className="lw-session">
              <p className="lw-session__title">
                <Link to={`/organiseren/sessies/${s.id}`}>
                  {longDate(s.starts_at, zone)}, {timeRange(s.starts_at, s.ends_at, zone)}
                </Link>
              </p>
              <p className="lw-session__meta">
                {[s.location.venue, s.location.room].filter(Boolean).join(", ") || (s.online_url ? t("session.online") : "")}
              </p>
              <p className="lw-session__badges">
                <StatusBadge status={s.status} />{" "}
                <span>{t("session.taken", { taken: s.confirmed_count, capacity: s.capacity, waiting: s.waitlist_count })}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewSession({ workshop, event, participating }: { workshop: WorkshopDto; event: EventDto; participating: Schemas["OrganisationDto"][] }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [form, setForm] = useState<SessionForm>(emptySessionForm);
  const [added, setAdded] = useState<string | null>(null);
  const zone = event.time_zone || DEFAULT_ZONE;
  const set = (p: Partial<SessionForm>) => { setAdded(null); setForm((f) => ({ ...f, ...p })); };
  const create = useMutation({
    mutationFn: (f: SessionForm) =>
      unwrap(api.POST("/api/v1/workshops/{id}/sessions", { params: { path: { id: workshop.id } }, body: newSessionBody(f, workshop.format, zone) })),
    onSuccess: async (s) => {
      required.reset();
      setAdded(t("session.added", { when: `${longDate(s.starts_at, zone)}, ${timeRange(s.starts_at, s.ends_at, zone)}` }));
      setForm(emptySessionForm());
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["workshop-sessions", workshop.id] }),
        qc.invalidateQueries({ queryKey: ["programme", event.id] }),
      ]);
    },
  });
  const required = useRequired(form, sessionRequired(workshop.format), "ns");
  const errors: Record<string, string | undefined> = { ...fieldErrors(create.error), ...required.messages };
  if (required.messages.venue) errors["location.venue"] = required.messages.venue;
  const setQuota = (i: number, p: Partial<SessionForm["quotas"][number]>) =>
    set({ quotas: form.quotas.map((q, j) => (j === i ? { ...q, ...p } : q)) });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setAdded(null);
    create.reset();
    if (required.check()) create.mutate(form);
  };

  return (
    <section aria-labelledby="new-session-h" className="lw-card">
      <Heading2 id="new-session-h">{t("session.new")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">{added && <Success>{added}</Success>}</div>
        <MissingAlert count={required.missing.length} />
        <ProblemAlert error={create.error} title={t("form.notSaved")} />
        <div className="lw-form-row">
          <TextField id="ns-starts_at" type="datetime-local" label={t("session.start")} hint={t("form.amsterdamTime")} required value={form.starts_at} onValue={(starts_at) => set({ starts_at, ends_at: form.ends_at || "" })} error={errors.starts_at} />
          <TextField id="ns-ends_at" type="datetime-local" label={t("session.end")} hint={t("form.amsterdamTime")} required value={form.ends_at} onValue={(ends_at) => set({ ends_at })} error={errors.ends_at} min={form.starts_at || undefined} />
          <TextField id="ns-capacity" type="number" min={1} max={10000} label={t("session.capacity")} required value={form.capacity} onValue={(capacity) => set({ capacity })} error={errors.capacity} />
        </div>
        {needsPlace(workshop.format) && (
          <div className="lw-form-row">
            <TextField id="ns-venue" label={t("session.venue")} required value={form.venue} onValue={(venue) => set({ venue })} error={errors["location.venue"] ?? errors.location} />
            <TextField id="ns-room" label={t("session.room")} hint={t("form.optional")} value={form.room} onValue={(room) => set({ room })} error={errors["location.room"]} />
            <TextField id="ns-address" label={t("session.address")} hint={t("form.optional")} value={form.address} onValue={(address) => set({ address })} error={errors["location.address"]} autoComplete="street-address" />
          </div>
        )}
        {needsLink(workshop.format) && (
          <TextField id="ns-online_url" type="url" label={t("session.onlineUrl")} required value={form.online_url} onValue={(online_url) => set({ online_url })} error={errors.online_url} placeholder="https://" />
        )}
        <fieldset className="lw-quotas">
          <legend>{t("session.quotas")}</legend>
          <Paragraph className="lw-hint">{t("session.quotasHint")}</Paragraph>
          {errors.quotas && <p className="lw-field-error utrecht-form-field-error-message">{errors.quotas}</p>}
          {form.quotas.map((q, i) => (
            <div key={i} className="lw-form-row lw-quota" role="group" aria-label={t("session.quotaN", { n: i + 1 })}>
              <SelectField id={`ns-q${i}-org`} label={t("session.quotaOrg")} value={q.organisation_id} onValue={(organisation_id) => setQuota(i, { organisation_id })} error={errors[`quotas[${i}].organisation_id`]}>
                <SelectOption value="">{t("session.quotaChoose")}</SelectOption>
                {participating.map((o) => <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>)}
              </SelectField>
              <TextField id={`ns-q${i}-seats`} type="number" min={1} label={t("session.quotaSeats")} value={q.seats} onValue={(seats) => setQuota(i, { seats })} error={errors[`quotas[${i}].seats`]} />
              <TextField id={`ns-q${i}-release`} type="datetime-local" label={t("session.quotaRelease")} value={q.release_at} onValue={(release_at) => setQuota(i, { release_at })} error={errors[`quotas[${i}].release_at`]} />
              <div className="lw-quota__remove">
                <Button appearance="subtle-button" onClick={() => set({ quotas: form.quotas.filter((_, j) => j !== i) })}>
                  {t("session.quotaRemove", { n: i + 1 })}
                </Button>
              </div>
            </div>
          ))}
          <Button appearance="secondary-action-button" onClick={() => set({ quotas: [...form.quotas, { organisation_id: "", seats: "", release_at: "" }] })}>
            {t("session.quotaAdd")}
          </Button>
        </fieldset>
        <SaveButton busy={create.isPending}>{t("session.add")}</SaveButton>
      </form>
    </section>
  );
}

function EditWorkshop({ workshop, participating }: { workshop: WorkshopDto; participating: Schemas["OrganisationDto"][] }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [initial, setInitial] = useState<WorkshopForm>(() => workshopFormOf(workshop));
  const [form, setForm] = useState<WorkshopForm>(initial);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: Schemas["WorkshopPatchDto"]) =>
      unwrap(api.PATCH("/api/v1/workshops/{id}", { params: { path: { id: workshop.id } }, body })),
    onSuccess: async (w) => {
      setSaved(true);
      setInitial(workshopFormOf(w));
      setForm(workshopFormOf(w));
      qc.setQueryData(["workshop", workshop.id], w);
      await qc.invalidateQueries({ queryKey: ["programme", workshop.event_id] });
    },
  });
  const patch = workshopPatch(initial, form);
  const unchanged = Object.keys(patch).length === 0;
  const required = useRequired(form, WORKSHOP_REQUIRED, "edit-workshop");
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setSaved(false);
    save.reset();
    if (required.check() && !unchanged) save.mutate(patch);
  };
  return (
    <section aria-labelledby="edit-workshop-h" className="lw-card">
      <Heading2 id="edit-workshop-h">{t("workshop.edit")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">{saved && <Success>{t("workshop.saved")}</Success>}</div>
        <MissingAlert count={required.missing.length} />
        <ProblemAlert error={save.error} title={t("form.notSaved")} />
        <WorkshopFields
          prefix="edit-workshop"
          form={form}
          set={(p) => { setSaved(false); setForm((f) => ({ ...f, ...p })); }}
          errors={{ ...fieldErrors(save.error), ...required.messages }}
          hosts={[]}
          audienceOrganisations={participating}
          canChooseHost={false}
        />
        <div className="lw-buttons">
          <SaveButton busy={save.isPending}>{t("form.save")}</SaveButton>
          {unchanged && !save.isPending && <span className="lw-hint">{t("form.noChanges")}</span>}
        </div>
      </form>
    </section>
  );
}

function CancelWorkshop({ workshop }: { workshop: WorkshopDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState(false);
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/workshops/{id}/cancel", { params: { path: { id: workshop.id } } })),
    onSuccess: async (w) => {
      setAsking(false);
      setDone(true);
      qc.setQueryData(["workshop", workshop.id], w);
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["workshop-sessions", workshop.id] }),
        qc.invalidateQueries({ queryKey: ["programme", workshop.event_id] }),
      ]);
    },
  });
  return (
    <section aria-labelledby="cancel-workshop-h" className="lw-actions">
      <Heading2 id="cancel-workshop-h">{t("workshop.cancelTitle")}</Heading2>
      <div aria-live="polite">
        {done && <Success>{t("workshop.cancelled")}</Success>}
        <ProblemAlert error={cancel.error} />
      </div>
      {workshop.status === "cancelled" ? (
        !done && <Paragraph>{t("workshop.isCancelled")}</Paragraph>
      ) : asking ? (
        <Confirm
          id="cancel-workshop"
          question={t("workshop.cancelConfirm")}
          yes={t("workshop.cancelYes")}
          no={t("form.no")}
          busy={cancel.isPending}
          onYes={() => cancel.mutate()}
          onNo={() => setAsking(false)}
        />
      ) : (
        <>
          <Paragraph>{t("workshop.cancelText")}</Paragraph>
          <Button appearance="secondary-action-button" onClick={() => setAsking(true)}>{t("workshop.cancel")}</Button>
        </>
      )}
    </section>
  );
}
