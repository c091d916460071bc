// The organiser's screens, mounted under /organiseren by App (organisers and admins only).
import { Heading1, Paragraph } from "@utrecht/component-library-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/Layout";

function Overview() {
  const { t } = useTranslation("organiser");
  usePageTitle(t("title"));
  return (
    <>
      <Heading1>{t("title")}</Heading1>
      <Paragraph>…</Paragraph>
    </>
  );
}

export const organiserRoutes: { path: string; element: ReactNode }[] = [{ path: "organiseren", element: <Overview /> }];
