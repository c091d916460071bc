// /profiel: each signed-in person's own settings: the language of their mail, their calendar
// feed address, a download of their data, and signing out everywhere.
import { Button, Heading1, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, resetCsrf, unwrap } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { ProblemAlert, Success } from "../components/States";
import { useMe, type Me } from "../hooks/session";
import { downloadJson } from "./admin/shared";
import { CalendarFeed } from "./MyWeek";
import { Confirm, SaveButton } from "./organiser/shared";

export default function Profile() {
  const { t } = useTranslation("admin");
  usePageTitle(t("profile.title"));
  const me = useMe();
  if (!me.data) return null;
  return (
    <>
      <Heading1>{t("profile.title")}</Heading1>
      <Paragraph lead>
        {me.data.name} · {me.data.email}
      </Paragraph>
      <MailLanguage me={me.data} />
      <CalendarFeed />
      <MyData />
      <SignOutEverywhere />
    </>
  );
}

function MailLanguage({ me }: { me: Me }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [language, setLanguage] = useState(me.language);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (l: string) => unwrap(api.PATCH("/api/v1/me", { body: { language: l } })),
    onSuccess: (r) => {
      qc.setQueryData(["me"], r);
      setSaved(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate(language);
  };
  return (
    <section className="lw-card" aria-labelledby="lang-h">
      <Heading2 id="lang-h">{t("profile.language")}</Heading2>
      <form onSubmit={submit}>
        <fieldset className="lw-radios" aria-describedby="lang-hint">
          <legend className="lw-visually-hidden">{t("profile.language")}</legend>
          <Paragraph id="lang-hint">{t("profile.languageHint")}</Paragraph>
          {(["nl", "en"] as const).map((l) => (
            <label key={l} lang={l}>
              <input
                type="radio"
                name="mail-language"
                value={l}
                checked={language === l}
                onChange={() => {
                  setLanguage(l);
                  setSaved(false);
                }}
              />
              {t(`profile.${l}`)}
            </label>
          ))}
        </fieldset>
        {saved && <Success>{t("profile.saved")}</Success>}
        <ProblemAlert error={save.error} />
        <SaveButton busy={save.isPending}>{t("profile.save")}</SaveButton>
      </form>
    </section>
  );
}

function MyData() {
  const { t } = useTranslation("admin");
  const [done, setDone] = useState(false);
  const download = useMutation({
    mutationFn: () => unwrap(api.GET("/api/v1/me/export")),
    onSuccess: (data) => {
      downloadJson(data, "leerweek-mijn-gegevens.json");
      setDone(true);
    },
  });
  return (
    <section className="lw-card" aria-labelledby="data-h">
      <Heading2 id="data-h">{t("profile.data")}</Heading2>
      <Paragraph>{t("profile.dataIntro")}</Paragraph>
      {done && <Success>{t("profile.downloaded")}</Success>}
      <ProblemAlert error={download.error} />
      <Button appearance="secondary-action-button" onClick={() => download.mutate()} busy={download.isPending} disabled={download.isPending}>
        {t("profile.download")}
      </Button>
    </section>
  );
}

function SignOutEverywhere() {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const signOut = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/sign-out-everywhere")),
    onSuccess: () => {
      resetCsrf();
      qc.clear();
      window.location.assign("/");
    },
  });
  return (
    <section className="lw-card" aria-labelledby="everywhere-h">
      <Heading2 id="everywhere-h">{t("profile.everywhere")}</Heading2>
      <Paragraph>{t("profile.everywhereIntro")}</Paragraph>
      <ProblemAlert error={signOut.error} />
      {asking ? (
        <Confirm
          id="everywhere"
          question={t("profile.everywhereQuestion")}
          yes={t("profile.everywhereYes")}
          no={t("profile.everywhereNo")}
          busy={signOut.isPending}
          onYes={() => signOut.mutate()}
          onNo={() => setAsking(false)}
        />
      ) : (
        <Button appearance="secondary-action-button" onClick={() => setAsking(true)}>
          {t("profile.everywhere")}
        </Button>
      )}
    </section>
  );
}
