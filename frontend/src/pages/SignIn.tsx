// Sign in: a link by mail, the organisation's own account (single sign-on), or (in the demo) a
// persona. The mail link lands on the server's /aanmelden page, which starts the cookie session.
import { Button, FormField, FormLabel, Heading1, Heading2, Paragraph, Textbox } from "@utrecht/component-library-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { ProblemAlert, Success } from "../components/States";

export function SignIn() {
  const { t } = useTranslation();
  usePageTitle(t("signIn.title"));
  const [email, setEmail] = useState("");
  const providers = useQuery({
    queryKey: ["sso-providers"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/sso/providers")),
    staleTime: 300_000,
  });
  const demo = useQuery({
    queryKey: ["demo-available"],
    queryFn: async () => (await fetch("/demo", { method: "GET", credentials: "same-origin" })).ok,
    staleTime: Infinity,
  });
  const send = useMutation({
    mutationFn: (address: string) => unwrap(api.POST("/api/v1/auth/link", { body: { email: address } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate(email.trim());
  };

  return (
    <div className="lw-narrow">
      <Heading1>{t("signIn.title")}</Heading1>
      <Paragraph lead>{t("signIn.intro")}</Paragraph>
      {demo.data && (
        <section aria-labelledby="demo-heading" className="lw-card lw-card--accent">
          <Heading2 id="demo-heading">{t("signIn.demoTitle")}</Heading2>
          <Paragraph>{t("signIn.demoText")}</Paragraph>
          <a className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="/demo">
            {t("signIn.demoButton")}
          </a>
        </section>
      )}
      {providers.data && providers.data.items.length > 0 && (
        <section aria-labelledby="sso-heading">
          <Heading2 id="sso-heading">{t("signIn.ssoTitle")}</Heading2>
          <ul className="lw-plain-list">
            {providers.data.items.map((p) => (
              <li key={p.organisation_id}>
                <a className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href={p.start_url}>
                  {t("signIn.ssoWith", { name: p.organisation_name })}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="link-heading">
        <Heading2 id="link-heading">{t("signIn.linkTitle")}</Heading2>
        {send.isSuccess ? (
          <Success>{t("signIn.linkSent", { email })}</Success>
        ) : (
          <form onSubmit={submit} noValidate>
            <ProblemAlert error={send.error} />
            <FormField>
              <FormLabel htmlFor="email">{t("signIn.email")}</FormLabel>
              <Textbox
                id="email"
                name="email"
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                invalid={!!send.error}
                aria-describedby={send.error ? undefined : "email-hint"}
              />
              <p id="email-hint" className="lw-hint">{t("signIn.emailHint")}</p>
            </FormField>
            <Button type="submit" appearance="primary-action-button" busy={send.isPending} disabled={send.isPending}>
              {t("signIn.send")}
            </Button>
          </form>
        )}
      </section>
    </div>
  );
}
