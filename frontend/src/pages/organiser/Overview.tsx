// /organiseren: the weeks this organiser may manage, and a form for a new one.
import {
  Heading1, Heading2, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime, dayLabel } from "../../format";
import { useEvents } from "../../hooks/events";
import { hasRole, useMe } from "../../hooks/session";
import { EventFields } from "./EventFields";
import { emptyEventForm, EVENT_REQUIRED, fieldErrors, manageable, newEventBody, type EventForm } from "./forms";
import { MissingAlert } from "./MissingAlert";
import { SaveButton, StatusBadge, useOrganisations, useRequired } from "./shared";

export default function Overview() {
  const { t } = useTranslation("organiser");
  usePageTitle(t("title"));
  const me = useMe();
  const events = useEvents();
  const mine = manageable(events.data ?? []);
  const left = (useLocation().state as { left?: string } | null)?.left;

  return (
    <>
      <Heading1>{t("title")}</Heading1>
      {left && <Success>{t("overview.left", { name: left })}</Success>}
      <Paragraph lead>{t("overview.intro")}</Paragraph>
      <section aria-labelledby="weeks-h">
        <Heading2 id="weeks-h">{t("overview.weeks")}</Heading2>
        {events.isPending ? (
          <Loading />
        ) : events.error ? (
          <ProblemAlert error={events.error} />
        ) : mine.length === 0 ? (
          <Empty>{t("overview.none")}</Empty>
        ) : (
          <div className="lw-table-wrap">
            <Table className="lw-table" aria-labelledby="weeks-h">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("event.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("overview.status")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("overview.days")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("overview.enrolment")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {mine.map((e) => (
                  <TableRow key={e.id}>
                    <TableCell><Link to={`/organiseren/weken/${e.id}`}>{e.name}</Link></TableCell>
                    <TableCell><StatusBadge status={e.status} /></TableCell>
                    <TableCell>{t("overview.fromTo", { from: dayLabel(e.starts_on), to: dayLabel(e.ends_on) })}</TableCell>
                    <TableCell>
                      {t("overview.fromTo", { from: dateTime(e.enrolment_opens_at, e.time_zone), to: dateTime(e.enrolment_closes_at, e.time_zone) })}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
      {hasRole(me.data, "organiser", "admin") && <NewEvent ownOrganisation={me.data?.organisation_id} />}
    </>
  );
}

function NewEvent({ ownOrganisation }: { ownOrganisation?: string | null }) {
  const { t } = useTranslation("organiser");
  const qc = useQueryClient();
  const navigate = useNavigate();
  const organisations = useOrganisations();
  const [form, setForm] = useState<EventForm>(() => emptyEventForm(ownOrganisation));
  const create = useMutation({
    mutationFn: (f: EventForm) => unwrap(api.POST("/api/v1/events", { body: newEventBody(f) })),
    onSuccess: async (e) => {
      await qc.invalidateQueries({ queryKey: ["events"] });
      void navigate(`/organiseren/weken/${e.id}`, { state: { created: true } });
    },
  });
  const required = useRequired(form, EVENT_REQUIRED, "new-event");
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    create.reset();
    if (required.check()) create.mutate(form);
  };

  return (
    <section aria-labelledby="new-week-h" className="lw-card">
      <Heading2 id="new-week-h">{t("overview.newWeek")}</Heading2>
      <Paragraph className="lw-hint">{t("overview.newWeekHint")}</Paragraph>
      {organisations.isPending ? (
        <Loading />
      ) : organisations.error ? (
        <ProblemAlert error={organisations.error} />
      ) : (
        <form onSubmit={submit} noValidate className="lw-form">
          <MissingAlert count={required.missing.length} />
          <ProblemAlert error={create.error} title={t("form.notSaved")} />
          <EventFields
            prefix="new-event"
            form={form}
            set={(p) => setForm((f) => ({ ...f, ...p }))}
            errors={{ ...fieldErrors(create.error), ...required.messages }}
            organisations={organisations.data}
          />
          <SaveButton busy={create.isPending}>{t("overview.create")}</SaveButton>
        </form>
      )}
    </section>
  );
}
