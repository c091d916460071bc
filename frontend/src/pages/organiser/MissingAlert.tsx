// "Fill in the required fields" before anything goes to the server.
import { Alert, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";

export function MissingAlert({ count }: { count: number }) {
  const { t } = useTranslation("organiser");
  if (count === 0) return null;
  return (
    <Alert type="error" role="alert">
      <Paragraph>{t("form.missingSummary", { count })}</Paragraph>
    </Alert>
  );
}
