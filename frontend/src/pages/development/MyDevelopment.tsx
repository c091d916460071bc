// /mijn-ontwikkeling: a person's own development, one section per part. Now: their skills
// (had and wanted) with self-ratings; later also sessions attended, certificates and reflections,
// each a section component of its own added here.
import { Heading1, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/Layout";
import { MySkills } from "./MySkills";

export default function MyDevelopment() {
  const { t } = useTranslation("skills");
  usePageTitle(t("development.title"));
  return (
    <>
      <Heading1>{t("development.title")}</Heading1>
      <Paragraph lead>{t("development.intro")}</Paragraph>
      <MySkills />
    </>
  );
}
