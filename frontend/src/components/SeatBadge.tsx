// How full a session is, in words (never by colour alone).
import { useTranslation } from "react-i18next";

export function SeatBadge({ seatsLeft, waitlist, cancelled }: { seatsLeft: number; waitlist: number; cancelled?: boolean }) {
  const { t } = useTranslation();
  if (cancelled) return <span className="lw-badge lw-badge--cancelled">{t("session.cancelled")}</span>;
  if (seatsLeft > 0) {
    return (
      <span className={seatsLeft <= 3 ? "lw-badge lw-badge--few" : "lw-badge lw-badge--free"}>
        {t("session.seatsLeft", { count: seatsLeft })}
      </span>
    );
  }
  return <span className="lw-badge lw-badge--full">{t("session.full", { count: waitlist })}</span>;
}

export function MyStatusBadge({ status, position }: { status: string; position?: number | null }) {
  const { t } = useTranslation();
  if (status === "confirmed") return <span className="lw-badge lw-badge--mine">{t("session.youAreEnrolled")}</span>;
  if (status === "pending_approval")
    return <span className="lw-badge lw-badge--waiting">{t("session.youArePending")}</span>;
  if (status === "waitlisted")
    return <span className="lw-badge lw-badge--waiting">{t("session.youAreWaiting", { position: position ?? "?" })}</span>;
  return null;
}
