// Pieces every report uses: the download links, the pager, a numeric cell.
import { Button } from "@utrecht/component-library-react";
import { TableCell } from "./table";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { downloadUrl, type PageInfo, type ReportKind } from "./model";

export function Downloads({ eventId, kind }: { eventId: string; kind: ReportKind }) {
  const { t } = useTranslation("reports");
  const hintId = `dl-hint-${kind}`;
  return (
    <div className="lw-downloads" role="group" aria-label={t("download.label")}>
      <a
        className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
        href={downloadUrl(eventId, kind, "csv")}
        download
        aria-describedby={hintId}
      >
        {t("download.csv")}
      </a>
      <a
        className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
        href={downloadUrl(eventId, kind, "xlsx")}
        download
        aria-describedby={hintId}
      >
        {t("download.xlsx")}
      </a>
      <span id={hintId} className="lw-downloads__hint">{t("download.hint")}</span>
    </div>
  );
}

/**
 * Vorige / Volgende with "Pagina 2 van 7" (announced when it changes). At either end the button
 * is `aria-disabled`, not `disabled`, so the keyboard focus is not lost when it gets there.
 */
export function Pager({ info, total, onPage, busy }: { info: PageInfo; total: number; onPage: (page: number) => void; busy?: boolean }) {
  const { t, i18n } = useTranslation("reports");
  const nf = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "nl-NL");
  return (
    <nav className="lw-pager" aria-label={t("paging.label")}>
      <Button
        appearance="secondary-action-button"
        aria-disabled={!info.hasPrevious || undefined}
        onClick={() => info.hasPrevious && !busy && onPage(info.page - 1)}
      >
        {t("paging.previous")}
      </Button>
      <p className="lw-pager__status" role="status" aria-live="polite">
        {t("paging.page", { page: nf.format(info.page), pages: nf.format(info.pages) })}
        <span className="lw-pager__rows">
          {" · "}
          {t("paging.rows", { from: nf.format(info.from), to: nf.format(info.to), total: nf.format(total) })}
        </span>
      </p>
      <Button
        appearance="secondary-action-button"
        aria-disabled={!info.hasNext || undefined}
        onClick={() => info.hasNext && !busy && onPage(info.page + 1)}
      >
        {t("paging.next")}
      </Button>
    </nav>
  );
}

export function Num({ children }: { children: ReactNode }) {
  return <TableCell className="lw-num">{children}</TableCell>;
}
