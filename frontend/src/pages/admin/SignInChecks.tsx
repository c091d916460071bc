// Two parts of /beheer/organisaties/:id/inloggen: testing the organisation's provider (the
// browser goes through the real flow; nobody is signed in, the outcome comes back here), and
// whether the organisation's people may sign in by mail link.
import { Alert, Button, Checkbox, FormLabel, Heading2, Heading3, Heading4, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import { SaveButton } from "../organiser/shared";

type Provider = Schemas["SsoProviderDto"];
type Organisation = Schemas["OrganisationDto"];
type Test = Schemas["SsoTestDto"];

/** Leaves the page for the provider; a test in a browser test can replace it. */
export const browserTo = { go: (url: string) => window.location.assign(url) };

export function ProviderTest({ orgId, provider, returned }: { orgId: string; provider: Provider | null; returned: boolean }) {
  const { t, i18n } = useTranslation("signin");
  const qc = useQueryClient();
  const [early, setEarly] = useState<Test | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (returned) heading.current?.focus();
  }, [returned]);
  const start = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/organisations/{id}/sso/test", { params: { path: { id: orgId } } })),
    onSuccess: (r) => {
      if (r.authorization_url) {
        browserTo.go(r.authorization_url);
      } else {
        setEarly(r.last_test ?? null);
        void qc.invalidateQueries({ queryKey: ["sso", orgId] });
      }
    },
  });
  const last = provider?.last_test ?? early;
  const en = i18n.language === "en";
  return (
    <section className="lw-card" aria-labelledby="sso-test-title">
      <Heading2 id="sso-test-title" ref={heading} tabIndex={-1}>{t("test.title")}</Heading2>
      <Paragraph>{t("test.intro")}</Paragraph>
      {returned && <div aria-live="polite"><Success>{t("test.back")}</Success></div>}
      <ProblemAlert error={start.error} />
      {provider ? (
        <Button appearance="secondary-action-button" busy={start.isPending} onClick={() => start.mutate()}>
          {start.isPending ? t("test.starting") : t("test.start")}
        </Button>
      ) : (
        <Paragraph>{t("test.saveFirst")}</Paragraph>
      )}
      {provider && (
        <>
          <Heading3>{t("test.last")}</Heading3>
          {last ? <TestOutcome test={last} en={en} /> : <Paragraph>{t("test.never")}</Paragraph>}
          <Paragraph><small>{t("test.secretNote")}</small></Paragraph>
        </>
      )}
    </section>
  );
}

function TestOutcome({ test, en }: { test: Test; en: boolean }) {
  const { t } = useTranslation("signin");
  const c = test.claims;
  const flag = (v: boolean | null | undefined) => (v === true ? t("test.yes") : v === false ? t("test.no") : t("test.missing"));
  const text = (v: string | null | undefined) => (v ? v : t("test.missing"));
  return (
    <>
      <Alert type={test.ok ? "ok" : "warning"}>
        <Paragraph><strong>{test.ok ? t("test.ok") : t("test.failed")}</strong>: {en ? test.message_en : test.message_nl}</Paragraph>
      </Alert>
      <dl className="lw-facts">
        <dt>{t("test.at")}</dt>
        <dd>{dateTime(test.at)}</dd>
        <dt>{t("test.outcome")}</dt>
        <dd><code>{test.outcome}</code></dd>
      </dl>
      {c ? (
        <>
          <Heading4>{t("test.claims")}</Heading4>
          <dl className="lw-facts">
            <dt>{t("test.subject")}</dt>
            <dd><code>{c.subject}</code></dd>
            <dt>{t("test.email")}</dt>
            <dd>{text(c.email)}</dd>
            <dt>{t("test.verified")}</dt>
            <dd>{flag(c.email_verified)}</dd>
            <dt>{t("test.name")}</dt>
            <dd>{text(c.name)}</dd>
          </dl>
        </>
      ) : (
        <Paragraph>{t("test.noClaims")}</Paragraph>
      )}
    </>
  );
}

export function MailLinkChoice({ org, providerOffered }: { org: Organisation; providerOffered: boolean }) {
  const { t } = useTranslation("signin");
  const qc = useQueryClient();
  const [on, setOn] = useState(org.mail_link_sign_in);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => setOn(org.mail_link_sign_in), [org.mail_link_sign_in]);
  const save = useMutation({
    mutationFn: (mail_link_sign_in: boolean) =>
      unwrap(api.PATCH("/api/v1/organisations/{id}", { params: { path: { id: org.id } }, body: { mail_link_sign_in } })),
    onSuccess: (o) => {
      setDone(o.mail_link_sign_in ? t("mail.savedOn") : t("mail.savedOff"));
      qc.setQueryData(["organisation", org.id], (old: Organisation | undefined) => (old ? { ...old, ...o } : o));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate(on);
  };
  return (
    <form className="lw-card lw-form" onSubmit={submit} aria-labelledby="mail-link-title" noValidate>
      <Heading2 id="mail-link-title">{t("mail.title")}</Heading2>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <ProblemAlert error={save.error} />
      <div className="lw-check">
        <Checkbox id="mail-link" checked={on} aria-describedby="mail-link-hint" onChange={(e) => { setDone(null); setOn(e.target.checked); }} />
        <FormLabel htmlFor="mail-link" type="checkbox">{t("mail.label", { name: org.name })}</FormLabel>
      </div>
      <Paragraph id="mail-link-hint">{t("mail.hint")}</Paragraph>
      {!providerOffered && !on && <Paragraph>{t("mail.noProvider")}</Paragraph>}
      <SaveButton busy={save.isPending}>{t("mail.save")}</SaveButton>
    </form>
  );
}
