// /mijn-ontwikkeling: a person's own development, one section per part: their skills (had and
// wanted) with self-ratings, the sessions taken part in with hours and certificates, reflections,
// suggested sessions, and downloads. The sections after the skills share one portfolio query.
import { Heading1, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "../../components/Layout";
import { MyDownloads } from "./MyDownloads";
import { MyKlussen } from "./MyKlussen";
import { MyParticipation } from "./MyParticipation";
import { MyReflections } from "./MyReflections";
import { MySkills } from "./MySkills";
import { MySuggestions } from "./MySuggestions";

export default function MyDevelopment() {
  const { t } = useTranslation("skills");
  usePageTitle(t("development.title"));
  return (
    <>
      <Heading1>{t("development.title")}</Heading1>
      <Paragraph lead>{t("development.intro")}</Paragraph>
      <MySkills />
      <MyParticipation />
      <MyReflections />
      <MyKlussen />
      <MySuggestions />
      <MyDownloads />
    </>
  );
}
