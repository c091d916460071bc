// /beheer: the console's start page, one link per part of administration.
import { Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePageTitle } from "../../components/Layout";
import { sections } from "./sections";

export default function Console() {
  const { t } = useTranslation("admin");
  usePageTitle(t("title"));
  return (
    <>
      <Heading1>{t("title")}</Heading1>
      <Paragraph lead>{t("intro")}</Paragraph>
      <nav aria-labelledby="sections-h">
        <Heading2 id="sections-h">{t("sections")}</Heading2>
        <ul className="lw-sections">
          {sections.map((s) => (
            <li key={s.path}>
              <Link to={s.path}>{t(`section.${s.key}.title`)}</Link>
              <Paragraph>{t(`section.${s.key}.text`)}</Paragraph>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
