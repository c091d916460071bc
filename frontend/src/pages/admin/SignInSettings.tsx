// /beheer/organisaties/:id/inloggen: the organisation's OpenID Connect provider: the redirect
// address to register, the settings (the secret is never shown again), a test sign-in, whether
// its people may sign in by mail link, and removing the provider.
import { Button, Checkbox, FormLabel, Heading1, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import { api, ApiProblem, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Loading, ProblemAlert, Success } from "../../components/States";
import { fieldErrors } from "../organiser/forms";
import { BackLink, Confirm, SaveButton, TextField } from "../organiser/shared";
import { useOrganisation } from "./OrganisationPage";
import { MailLinkChoice, ProviderTest } from "./SignInChecks";

type Provider = Schemas["SsoProviderDto"];

interface Form {
  issuer: string;
  client_id: string;
  secret: string;
  domains: string;
  create_people: boolean;
  enabled: boolean;
  trust_email: boolean;
}

const formOf = (p?: Provider | null): Form => ({
  issuer: p?.issuer ?? "",
  client_id: p?.client_id ?? "",
  secret: "",
  domains: p?.allowed_domains.join(", ") ?? "",
  create_people: p?.create_people ?? false,
  enabled: p?.enabled ?? true,
  trust_email: p?.trust_email ?? false,
});

export default function SignInSettings() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const org = useOrganisation(id);
  const [search] = useSearchParams();
  usePageTitle(t("sso.title", { name: org.data?.name ?? "" }));
  const provider = useQuery({
    queryKey: ["sso", id],
    queryFn: async (): Promise<Provider | null> => {
      try {
        return await unwrap(api.GET("/api/v1/organisations/{id}/sso", { params: { path: { id } } }));
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 404) return null;
        throw e;
      }
    },
  });
  const [form, setForm] = useState<Form>(formOf());
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (provider.data !== undefined) setForm(formOf(provider.data));
  }, [provider.data]);
  const set = (p: Partial<Form>) => { setDone(null); setForm((f) => ({ ...f, ...p })); };
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PUT("/api/v1/organisations/{id}/sso", {
        params: { path: { id } },
        body: {
          issuer: form.issuer.trim(),
          client_id: form.client_id.trim(),
          ...(form.secret ? { client_secret: form.secret } : {}),
          allowed_domains: form.domains.split(/[,\s]+/).map((d) => d.trim()).filter(Boolean),
          create_people: form.create_people,
          enabled: form.enabled,
          trust_email: form.trust_email,
        },
      })),
    onSuccess: (p) => {
      setDone(t("sso.saved"));
      qc.setQueryData(["sso", id], p);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/organisations/{id}/sso", { params: { path: { id } } })),
    onSuccess: () => {
      setAsking(false);
      setDone(t("sso.removed"));
      qc.setQueryData(["sso", id], null);
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate();
  };
  if (org.isPending || provider.isPending) return <Loading />;
  if (org.error) return <ProblemAlert error={org.error} />;
  if (provider.error) return <ProblemAlert error={provider.error} />;
  const p = provider.data;
  return (
    <>
      <BackLink to={`/beheer/organisaties/${id}`}>{t("person.back", { name: org.data.name })}</BackLink>
      <Heading1>{t("sso.title", { name: org.data.name })}</Heading1>
      <Paragraph lead>{t("sso.intro")}</Paragraph>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      {p ? (
        <dl className="lw-facts">
          <dt>{t("sso.redirect")}</dt>
          <dd><code>{p.redirect_uri}</code></dd>
        </dl>
      ) : (
        <Paragraph>{t("sso.none")}</Paragraph>
      )}
      <form onSubmit={submit} noValidate className="lw-form lw-card">
        <ProblemAlert error={save.error} />
        <TextField id="sso-issuer" type="url" label={t("sso.issuer")} hint={t("sso.issuerHint")} required value={form.issuer} onValue={(issuer) => set({ issuer })} error={errors.issuer} />
        <TextField id="sso-client" label={t("sso.clientId")} required value={form.client_id} onValue={(client_id) => set({ client_id })} error={errors.client_id} />
        <TextField id="sso-secret" type="password" autoComplete="new-password" label={t("sso.secret")} hint={p?.client_secret_set ? `${t("sso.secretSet")} ${t("sso.secretHint")}` : t("sso.secretHint")} value={form.secret} onValue={(secret) => set({ secret })} error={errors.client_secret} />
        <TextField id="sso-domains" label={t("sso.domains")} hint={t("sso.domainsHint")} required value={form.domains} onValue={(domains) => set({ domains })} error={errors.allowed_domains} />
        <div className="lw-check">
          <Checkbox id="sso-create" checked={form.create_people} onChange={(e) => set({ create_people: e.target.checked })} />
          <FormLabel htmlFor="sso-create" type="checkbox">{t("sso.createPeople")}</FormLabel>
        </div>
        <div className="lw-check">
          <Checkbox id="sso-trust" checked={form.trust_email} aria-describedby="sso-trust-hint" onChange={(e) => set({ trust_email: e.target.checked })} />
          <FormLabel htmlFor="sso-trust" type="checkbox">{t("trust.label", { ns: "signin" })}</FormLabel>
        </div>
        <Paragraph id="sso-trust-hint" className="lw-hint">{t("trust.hint", { ns: "signin" })}</Paragraph>
        <div className="lw-check">
          <Checkbox id="sso-enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          <FormLabel htmlFor="sso-enabled" type="checkbox">{t("sso.enabled")}</FormLabel>
        </div>
        <SaveButton busy={save.isPending}>{t("sso.save")}</SaveButton>
      </form>
      <ProviderTest orgId={id} provider={p} returned={search.get("getest") === "1"} />
      <MailLinkChoice org={org.data} providerOffered={!!p?.enabled} />
      {p && (
        <div className="lw-card">
          <ProblemAlert error={remove.error} />
          {asking ? (
            <Confirm id="sso-remove" question={t("sso.removeQuestion")} yes={t("sso.removeYes")} no={t("form.no", { ns: "organiser" })} busy={remove.isPending} onYes={() => remove.mutate()} onNo={() => setAsking(false)} />
          ) : (
            <Button appearance="secondary-action-button" hint="danger" onClick={() => setAsking(true)}>{t("sso.remove")}</Button>
          )}
        </div>
      )}
    </>
  );
}
