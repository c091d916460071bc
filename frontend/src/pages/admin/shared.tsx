// What the console's pages share: the mail health (for the banner), a search form, dates and
// times in the reader's language, and downloading a JSON answer as a file.
import { Alert, Button, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { TextField } from "../organiser/shared";

export function useMailHealth() {
  return useQuery({
    queryKey: ["mail-health"],
    queryFn: () => unwrap(api.GET("/api/v1/admin/mail/health")),
    refetchInterval: 60_000,
  });
}

/** A moment as the reader reads it: "17 nov. 2027 09:05". */
export function useMoment() {
  const { i18n } = useTranslation();
  const f = new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "nl-NL", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Europe/Amsterdam",
  });
  return (iso: string | null | undefined) => (iso ? f.format(new Date(iso)) : "");
}

/** The console's warning when mail has been failing for more than 15 minutes (the API decides). */
export function MailBanner() {
  const { t } = useTranslation("admin");
  const health = useMailHealth();
  const moment = useMoment();
  const h = health.data;
  if (!h?.failing) return null;
  return (
    <Alert type="warning" role="alert" className="lw-banner">
      <Heading2 className="lw-banner__title">{t("banner.title")}</Heading2>
      <Paragraph>
        {t("banner.text", { since: moment(h.failing_since), failed: h.counts.failed, retrying: h.counts.retrying })}
      </Paragraph>
      <Paragraph>
        <Link to="/beheer/mail?status=failed">{t("banner.link")}</Link>
      </Paragraph>
    </Alert>
  );
}

/** A search box with its button; the search runs when submitted, not on every key. */
export function SearchForm({
  id, label, hint, initial, onSearch,
}: { id: string; label: string; hint?: string; initial: string; onSearch: (q: string) => void }) {
  const { t } = useTranslation("admin");
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" className="lw-filters" onSubmit={submit}>
      <TextField id={id} label={label} hint={hint} value={q} onValue={setQ} type="search" className="lw-filters__search" />
      <div className="lw-buttons">
        <Button type="submit" appearance="primary-action-button">{t("search")}</Button>
        {initial && (
          <Button
            appearance="subtle-button"
            onClick={() => {
              setQ("");
              onSearch("");
            }}
          >
            {t("clear")}
          </Button>
        )}
      </div>
    </form>
  );
}

/** Offer `data` as a JSON file download. */
export function downloadJson(data: unknown, name: string) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
