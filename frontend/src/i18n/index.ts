// Dutch first, English second. Each part of the app keeps its texts in its own namespace file
// (common, organiser, reports, admin, manage, signin, lottery, approval, skills, portfolio, klussen), with the same keys in both languages (a unit test checks that).
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import admin from "./admin";
import approval from "./approval";
import common from "./common";
import klussen from "./klussen";
import lottery from "./lottery";
import manage from "./manage";
import organiser from "./organiser";
import portfolio from "./portfolio";
import reports from "./reports";
import signin from "./signin";
import skills from "./skills";

export const LANGUAGES = ["nl", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const namespaces = { common, organiser, reports, admin, manage, signin, lottery, approval, skills, portfolio, klussen };

const STORAGE_KEY = "leerweek.language";

export function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === "en" || v === "nl") return v;
  } catch {
    /* storage blocked: Dutch */
  }
  return "nl";
}

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* not remembered, still switched */
  }
  void i18n.changeLanguage(lang);
}

i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  lng: storedLanguage(),
  fallbackLng: "nl",
  defaultNS: "common",
  ns: Object.keys(namespaces),
  resources: {
    nl: { common: common.nl, organiser: organiser.nl, reports: reports.nl, admin: admin.nl, manage: manage.nl, signin: signin.nl, lottery: lottery.nl, approval: approval.nl, skills: skills.nl, portfolio: portfolio.nl, klussen: klussen.nl },
    en: { common: common.en, organiser: organiser.en, reports: reports.en, admin: admin.en, manage: manage.en, signin: signin.en, lottery: lottery.en, approval: approval.en, skills: skills.en, portfolio: portfolio.en, klussen: klussen.en },
  },
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
