// The organisations taking part in a week: which one leads it (its organisers change the week),
// leaving the week as a partner, and handing the lead on (admins).
import { Button, Heading2, Paragraph, SelectOption } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { ProblemAlert, Success } from "../../components/States";
import type { EventDto } from "./forms";
import { Confirm, SelectField } from "./shared";

type Org = Schemas["OrganisationDto"];

export function EventOrganisations({ event, organisations }: { event: EventDto; organisations: Org[] }) {
  const { t } = useTranslation("manage");
  const nameOf = (id: string) => organisations.find((o) => o.id === id)?.name ?? t("organisations.unknown");
  const listed = event.organisation_ids
    .map((id) => ({ id, name: nameOf(id) }))
    .sort((a, b) => a.name.localeCompare(b.name, "nl"));
  return (
    <section aria-labelledby="event-orgs-h">
      <Heading2 id="event-orgs-h">{t("organisations.title")}</Heading2>
      <Paragraph>{t("organisations.count", { count: listed.length })}</Paragraph>
      <ul>
        {listed.map((o) => (
          <li key={o.id}>
            {o.name}
            {o.id === event.lead_organisation_id && <> — <strong>{t("organisations.leads")}</strong></>}
          </li>
        ))}
      </ul>
      <Paragraph className="lw-hint">{t("organisations.who")}</Paragraph>
      <Paragraph>{event.may.manage_organisations ? t("organisations.you") : t("organisations.notYou")}</Paragraph>
      {event.may.change_lead && <HandLead event={event} listed={listed} />}
      {event.may.leave && <Leave event={event} organisation={nameOf(event.may.leave)} leaving={event.may.leave} />}
    </section>
  );
}

function HandLead({ event, listed }: { event: EventDto; listed: { id: string; name: string }[] }) {
  const { t } = useTranslation("manage");
  const qc = useQueryClient();
  const [lead, setLead] = useState(event.lead_organisation_id);
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH("/api/v1/events/{id}", { params: { path: { id: event.id } }, body: { lead_organisation_id: lead } })),
    onSuccess: async (e) => {
      qc.setQueryData(["event", event.id], e);
      await qc.invalidateQueries({ queryKey: ["events"] });
    },
  });
  return (
    <form onSubmit={(ev) => { ev.preventDefault(); save.mutate(); }} className="lw-actions">
      <SelectField id="event-lead" label={t("organisations.lead")} value={lead} onValue={(v) => { save.reset(); setLead(v); }}>
        {listed.map((o) => <SelectOption key={o.id} value={o.id}>{o.name}</SelectOption>)}
      </SelectField>
      <div aria-live="polite">
        {save.isSuccess && <Success>{t("organisations.leadSaved")}</Success>}
        <ProblemAlert error={save.error} />
      </div>
      <Button type="submit" appearance="secondary-action-button" disabled={lead === event.lead_organisation_id || save.isPending}>
        {t("organisations.leadButton")}
      </Button>
    </form>
  );
}

function Leave({ event, organisation, leaving }: { event: EventDto; organisation: string; leaving: string }) {
  const { t } = useTranslation("manage");
  const { t: to } = useTranslation("organiser");
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const leave = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/api/v1/events/{id}/organisations/{organisation_id}", {
        params: { path: { id: event.id, organisation_id: leaving } },
      })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["events"] });
      void navigate("/organiseren", { state: { left: event.name } });
    },
  });
  return (
    <div className="lw-actions">
      <Paragraph>{t("organisations.leaveIntro", { organisation })}</Paragraph>
      <div aria-live="polite"><ProblemAlert error={leave.error} /></div>
      {asking ? (
        <Confirm
          id="leave-confirm"
          question={t("organisations.leaveConfirm", { organisation })}
          yes={t("organisations.leaveYes")}
          no={to("form.no")}
          busy={leave.isPending}
          onYes={() => leave.mutate()}
          onNo={() => setAsking(false)}
        />
      ) : (
        <Button appearance="secondary-action-button" onClick={() => { leave.reset(); setAsking(true); }}>
          {t("organisations.leaveButton")}
        </Button>
      )}
    </div>
  );
}
