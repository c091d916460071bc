// Archiving a closed week: the button, and a confirmation that first says what archiving does
// (the last status; no more reminders; the retention clock starts and what it will erase).
import { Button, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ProblemAlert, Success } from "../../components/States";
import type { EventDto } from "./forms";
import { Confirm } from "./shared";

export function ArchiveWeek({ event }: { event: EventDto }) {
  const { t } = useTranslation("manage");
  const { t: to } = useTranslation("organiser");
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const archive = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/events/{id}/archive", { params: { path: { id: event.id } } })),
    onSuccess: async (e) => {
      setAsking(false);
      qc.setQueryData(["event", event.id], e);
      await qc.invalidateQueries({ queryKey: ["events"] });
    },
  });
  if (event.status !== "closed" && event.status !== "archived") return null;
  return (
    <section aria-labelledby="archive-h" className="lw-actions">
      <Heading2 id="archive-h">{t("archive.title")}</Heading2>
      <div aria-live="polite">
        {archive.isSuccess && <Success>{t("archive.done")}</Success>}
        <ProblemAlert error={archive.error} />
      </div>
      {event.status === "archived" ? (
        !archive.isSuccess && <Paragraph>{t("archive.isArchived")}</Paragraph>
      ) : (
        <>
          <Paragraph>{t("archive.intro")}</Paragraph>
          <Paragraph id="archive-consequences-h">{t("archive.consequences")}</Paragraph>
          <ul className="lw-consequences" aria-labelledby="archive-consequences-h">
            <li>{t("archive.final")}</li>
            <li>{t("archive.reminders")}</li>
            <li>{t("archive.retention")}</li>
            <li>{t("archive.restart")}</li>
            <li>{t("archive.stays")}</li>
          </ul>
          {asking ? (
            <Confirm
              id="archive-confirm"
              question={t("archive.confirm")}
              yes={t("archive.yes")}
              no={to("form.no")}
              busy={archive.isPending}
              onYes={() => archive.mutate()}
              onNo={() => setAsking(false)}
            />
          ) : (
            <Button appearance="secondary-action-button" onClick={() => { archive.reset(); setAsking(true); }}>
              {t("archive.button")}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
