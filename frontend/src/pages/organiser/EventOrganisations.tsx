// The organisations taking part in a week, and who may change that list.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import type { EventDto } from "./forms";

export function EventOrganisations({
  event, organisations, mayChange,
}: { event: EventDto; organisations: Schemas["OrganisationDto"][]; mayChange: boolean }) {
  const { t } = useTranslation("manage");
  const names = event.organisation_ids
    .map((id) => organisations.find((o) => o.id === id)?.name ?? t("organisations.unknown"))
    .sort((a, b) => a.localeCompare(b, "nl"));
  return (
    <section aria-labelledby="event-orgs-h">
      <Heading2 id="event-orgs-h">{t("organisations.title")}</Heading2>
      <Paragraph>{t("organisations.count", { count: names.length })}</Paragraph>
      <ul>
        {names.map((n, i) => <li key={`${n}-${i}`}>{n}</li>)}
      </ul>
      <Paragraph className="lw-hint">{t("organisations.who")}</Paragraph>
      <Paragraph>{mayChange ? t("organisations.you") : t("organisations.notYou")}</Paragraph>
    </section>
  );
}
