// The reports dashboard (managers, organisers, admins).
import { Heading1 } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/Layout";

export default function Reports() {
  const { t } = useTranslation("reports");
  usePageTitle(t("title"));
  return <Heading1>{t("title")}</Heading1>;
}
