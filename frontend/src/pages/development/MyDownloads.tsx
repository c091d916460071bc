// "Downloads": the portfolio as a PDF for the development conversation, and the same data as
// JSON to keep. Plain links: the browser sends the session cookie, as for the reports' files.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";

export function MyDownloads() {
  const { t } = useTranslation("portfolio");
  return (
    <section aria-labelledby="downloads-h" className="lw-dev-section">
      <Heading2 id="downloads-h">{t("downloads.title")}</Heading2>
      <Paragraph>{t("downloads.intro")}</Paragraph>
      <div className="lw-downloads">
        <a
          className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
          href="/api/v1/me/portfolio.pdf"
          download
          aria-describedby="downloads-hint"
        >
          {t("downloads.pdf")}
        </a>
        <a
          className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
          href="/api/v1/me/portfolio"
          download="mijn-ontwikkeling.json"
          aria-describedby="downloads-hint"
        >
          {t("downloads.json")}
        </a>
        <span id="downloads-hint" className="lw-downloads__hint">{t("downloads.hint")}</span>
      </div>
    </section>
  );
}
