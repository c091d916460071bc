// /organiseren/weken/:id: one week: publish or close it, its workshops with their sessions,
// a new workshop, and its settings, each only where the week's `may` allows; workshops of
// organisations the person does not organise for are marked as only to look at.
import {
  Button, Checkbox, FormField, FormLabel, Heading1, Heading2, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Textbox,
} from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dayLabel, shortDate, timeRange } from "../../format";
import { useProgramme } from "../../hooks/programme";
import { EventFields } from "./EventFields";
import {
  emptyWorkshopForm, EVENT_REQUIRED, eventFormOf, eventPatch, fieldErrors, fold, groupByWorkshop, newWorkshopBody, WORKSHOP_REQUIRED,
  type EventDto, type EventForm, type WorkshopForm,
} from "./forms";
import { MissingAlert } from "./MissingAlert";
import { BackLink, Confirm, SaveButton, StatusBadge, useEvent, useOrganisations, useRequired } from "./shared";
import { WorkshopFields } from "./WorkshopFields";
import { ArchiveWeek } from "./ArchiveWeek";
import { EventOrganisations } from "./EventOrganisations";
import { Lottery } from "./Lottery";

export default function EventPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("organiser");
  const event = useEvent(id);
  const location = useLocation();
  const organisations = useOrganisations();
  usePageTitle(event.data?.name ?? t("event.titleFallback"));

  if (event.isPending) return <Loading />;
  if (event.error) {
    return (
      <>
        <BackLink to="/organiseren">{t("back.overview")}</BackLink>
        <Heading1>{t("event.notFound")}</Heading1>
        <ProblemAlert error={event.error} />
      </>
    );
  }
  const e = event.data;
  return (
    <>
      <BackLink to="/organiseren">{t("back.overview")}</BackLink>
      <Heading1>{e.name}</Heading1>
      <Paragraph lead>
        <StatusBadge status={e.status} />{" "}
        {t("overview.fromTo", { from: dayLabel(e.starts_on), to: dayLabel(e.ends_on) })}
      </Paragraph>
      {(location.state as { created?: boolean } | null)?.created && <Success>{t("event.created")}</Success>}
      <StatusActions event={e} />
      {e.allocation === "lottery" && e.may.edit && <Lottery event={e} />}
      {e.may.archive && <ArchiveWeek event={e} />}
      <EventOrganisations event={e} organisations={organisations.data ?? []} />
      <Workshops event={e} />
      {e.may.manage_workshops_of.length > 0 && <NewWorkshop event={e} />}
      {e.may.edit && <EditEvent key={e.id} event={e} />}
    </>
  );
}

function StatusActions({ event }: { event: EventDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const [asking, setAsking] = useState<"publish" | "close" | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (what: "publish" | "close") =>
      what === "publish"
        ? unwrap(api.POST("/api/v1/events/{id}/publish", { params: { path: { id: event.id } } }))
        : unwrap(api.POST("/api/v1/events/{id}/close", { params: { path: { id: event.id } } })),
    onSuccess: async (e, what) => {
      qc.setQueryData(["event", event.id], e);
      setAsking(null);
      setDone(what === "publish" ? t("event.published") : t("event.closed"));
      await qc.invalidateQueries({ queryKey: ["events"] });
    },
  });
  const action = event.status === "draft" ? "publish" : event.status === "published" ? "close" : null;

  return (
    <section aria-labelledby="status-h" className="lw-actions">
      <Heading2 id="status-h">{t("event.statusTitle")}</Heading2>
      <Paragraph>{t(`event.statusText.${event.status}`, { defaultValue: event.status })}</Paragraph>
      <div aria-live="polite">
        {done && <Success>{done}</Success>}
        <ProblemAlert error={change.error} />
      </div>
      {action && event.may.set_status && !asking && (
        <Button appearance="primary-action-button" onClick={() => { setDone(null); change.reset(); setAsking(action); }}>
          {action === "publish" ? t("event.publish") : t("event.close")}
        </Button>
      )}
      {asking && (
        <Confirm
          id="status-confirm"
          question={asking === "publish" ? t("event.publishConfirm") : t("event.closeConfirm")}
          yes={asking === "publish" ? t("event.publishYes") : t("event.closeYes")}
          no={t("form.no")}
          busy={change.isPending}
          onYes={() => change.mutate(asking)}
          onNo={() => setAsking(null)}
        />
      )}
    </section>
  );
}

function Workshops({ event }: { event: EventDto }) {
  const { t } = useTranslation("organiser");
  const programme = useProgramme(event.id);
  const [query, setQuery] = useState("");
  const [onlyMine, setOnlyMine] = useState(false);
  const groups = useMemo(() => groupByWorkshop(programme.data?.sessions ?? []), [programme.data]);
  const manages = (g: { host_organisation_id: string }) => event.may.manage_workshops_of.includes(g.host_organisation_id);
  // The choice matters only when some workshops are someone else's and some are theirs.
  const canNarrow = groups.some(manages) && !groups.every(manages);
  const words = fold(query).split(/\s+/).filter(Boolean);
  const shown = groups.filter(
    (g) => (!onlyMine || !canNarrow || manages(g)) && words.every((w) => fold(`${g.title} ${g.host}`).includes(w)),
  );
  const zone = event.time_zone;
  return (
    <section aria-labelledby="workshops-h">
      <Heading2 id="workshops-h">{t("event.workshops")}</Heading2>
      <Paragraph className="lw-hint">{t("event.workshopsHint")}</Paragraph>
      {programme.isPending ? (
        <Loading />
      ) : programme.error ? (
        <ProblemAlert error={programme.error} />
      ) : groups.length === 0 ? (
        <Empty>{t("event.noWorkshops")}</Empty>
      ) : (
        <>
          <FormField className="lw-org-search">
            <div className="utrecht-form-field__label">
              <FormLabel htmlFor="ws-search">{t("event.searchWorkshops")}</FormLabel>
            </div>
            <div className="utrecht-form-field__input">
              <Textbox id="ws-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
            </div>
          </FormField>
          {canNarrow && (
            <FormField type="checkbox" className="lw-check">
              <Checkbox id="ws-only-mine" checked={onlyMine} onChange={(e) => setOnlyMine(e.target.checked)} />
              <FormLabel htmlFor="ws-only-mine" type="checkbox">{t("readOnly.onlyMine")}</FormLabel>
            </FormField>
          )}
          <p role="status" className="lw-count">{t("event.workshopCount", { count: shown.length })}</p>
          {shown.length > 0 && (
            <div className="lw-table-wrap">
              <Table className="lw-table" aria-labelledby="workshops-h">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell scope="col">{t("workshop.title")}</TableHeaderCell>
                    <TableHeaderCell scope="col">{t("workshop.host")}</TableHeaderCell>
                    <TableHeaderCell scope="col">{t("workshop.sessions")}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {shown.map((g) => (
                    <TableRow key={g.workshop_id}>
                      <TableCell>
                        <Link to={`/organiseren/workshops/${g.workshop_id}`}>{g.title}</Link>
                        {!manages(g) && <> <span className="lw-badge lw-badge--view-only">{t("readOnly.badge")}</span></>}
                      </TableCell>
                      <TableCell>{g.host}</TableCell>
                      <TableCell>
                        <ul className="lw-org-sessions">
                          {g.sessions.map((s) => (
                            <li key={s.session_id}>
                              <Link to={`/organiseren/sessies/${s.session_id}`}>
                                {shortDate(s.starts_at, zone)} {timeRange(s.starts_at, s.ends_at, zone)}
                              </Link>{" "}
                              <span className="lw-hint">{t("session.takenShort", { taken: s.confirmed_count, capacity: s.capacity, waiting: s.waitlist_length })}</span>
                            </li>
                          ))}
                        </ul>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function NewWorkshop({ event }: { event: EventDto }) {
  const { t } = useTranslation("organiser");
  const navigate = useNavigate();
  const organisations = useOrganisations();
  const participating = (organisations.data ?? []).filter((o) => event.organisation_ids.includes(o.id));
  const hosts = participating.filter((o) => event.may.manage_workshops_of.includes(o.id));
  const own = hosts.length === 1 ? hosts[0]!.id : "";
  const [form, setForm] = useState<WorkshopForm>(() => emptyWorkshopForm());
  const create = useMutation({
    mutationFn: (f: WorkshopForm) =>
      unwrap(api.POST("/api/v1/events/{id}/workshops", { params: { path: { id: event.id } }, body: newWorkshopBody(f) })),
    onSuccess: (w) => void navigate(`/organiseren/workshops/${w.id}`, { state: { created: true } }),
  });
  const filled = { ...form, host_organisation_id: form.host_organisation_id || own };
  const required = useRequired(filled, WORKSHOP_REQUIRED, "new-workshop");
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    create.reset();
    if (required.check()) create.mutate(filled);
  };

  return (
    <section aria-labelledby="new-workshop-h" className="lw-card">
      <Heading2 id="new-workshop-h">{t("event.newWorkshop")}</Heading2>
      {organisations.isPending ? (
        <Loading />
      ) : hosts.length === 0 ? (
        <Paragraph>{t("event.cannotHost")}</Paragraph>
      ) : (
        <form onSubmit={submit} noValidate className="lw-form">
          <Paragraph className="lw-hint">{t("event.newWorkshopHint")}</Paragraph>
          <MissingAlert count={required.missing.length} />
          <ProblemAlert error={create.error} title={t("form.notSaved")} />
          <WorkshopFields
            prefix="new-workshop"
            form={filled}
            set={(p) => setForm((f) => ({ ...f, ...p }))}
            errors={{ ...fieldErrors(create.error), ...required.messages }}
            hosts={hosts}
            audienceOrganisations={participating}
            canChooseHost={hosts.length > 1}
          />
          <SaveButton busy={create.isPending}>{t("event.addWorkshop")}</SaveButton>
        </form>
      )}
    </section>
  );
}

function EditEvent({ event }: { event: EventDto }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const organisations = useOrganisations();
  const [initial, setInitial] = useState<EventForm>(() => eventFormOf(event));
  const [form, setForm] = useState<EventForm>(initial);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: ReturnType<typeof eventPatch>) =>
      unwrap(api.PATCH("/api/v1/events/{id}", { params: { path: { id: event.id } }, body })),
    onSuccess: async (e) => {
      setSaved(true);
      setInitial(eventFormOf(e));
      setForm(eventFormOf(e));
      qc.setQueryData(["event", event.id], e);
      await Promise.all([qc.invalidateQueries({ queryKey: ["events"] }), qc.invalidateQueries({ queryKey: ["programme", event.id] })]);
    },
  });
  const patch = eventPatch(initial, form, event.time_zone);
  const unchanged = Object.keys(patch).length === 0;
  const required = useRequired(form, EVENT_REQUIRED, "edit-event");
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setSaved(false);
    save.reset();
    if (required.check() && !unchanged) save.mutate(patch);
  };

  return (
    <section aria-labelledby="edit-event-h" className="lw-card">
      <Heading2 id="edit-event-h">{t("event.edit")}</Heading2>
      {organisations.isPending ? (
        <Loading />
      ) : (
        <form onSubmit={submit} noValidate className="lw-form">
          <div aria-live="polite">
            {saved && <Success>{t("form.saved")}</Success>}
          </div>
          <MissingAlert count={required.missing.length} />
          <ProblemAlert error={save.error ?? organisations.error} title={save.error ? t("form.notSaved") : undefined} />
          <EventFields
            prefix="edit-event"
            form={form}
            set={(p) => { setSaved(false); setForm((f) => ({ ...f, ...p })); }}
            errors={{ ...fieldErrors(save.error), ...required.messages }}
            organisations={organisations.data ?? []}
          />
          <div className="lw-buttons">
            <SaveButton busy={save.isPending}>{t("form.save")}</SaveButton>
            {unchanged && !save.isPending && <span className="lw-hint">{t("form.noChanges")}</span>}
          </div>
        </form>
      )}
    </section>
  );
}
