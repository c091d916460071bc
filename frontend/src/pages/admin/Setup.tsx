// /inrichten#<code>: the first run. The server prints this address on an installation without
// an admin; the first admin enters name and e-mail here and is signed in. The code travels in
// the fragment, so it never reaches a log line of the server or a proxy.
import { Heading1, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { api, resetCsrf, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Loading, ProblemAlert } from "../../components/States";
import { fieldErrors } from "../organiser/forms";
import { SaveButton, TextField } from "../organiser/shared";

export default function Setup() {
  const { t } = useTranslation("admin");
  usePageTitle(t("setup.title"));
  const qc = useQueryClient();
  const navigate = useNavigate();
  const code = decodeURIComponent(useLocation().hash.replace(/^#/, ""));
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const state = useQuery({ queryKey: ["setup"], queryFn: () => unwrap(api.GET("/api/v1/setup")) });
  const setup = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/setup", { body: { code, name, email } })),
    onSuccess: async () => {
      resetCsrf();
      // The code is spent: take it out of the address bar and the history.
      window.history.replaceState(null, "", "/inrichten");
      await qc.invalidateQueries();
      void navigate("/beheer");
    },
  });
  const errors = fieldErrors(setup.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setup.mutate();
  };

  return (
    <>
      <Heading1>{t("setup.title")}</Heading1>
      {state.isPending ? (
        <Loading />
      ) : state.error ? (
        <ProblemAlert error={state.error} />
      ) : !state.data.needed ? (
        <>
          <Paragraph>{t("setup.done")}</Paragraph>
          <Paragraph><Link to="/inloggen">{t("setup.signIn")}</Link></Paragraph>
        </>
      ) : !code ? (
        <Paragraph>{t("setup.noCode")}</Paragraph>
      ) : (
        <form onSubmit={submit} noValidate className="lw-form lw-card">
          <Paragraph lead>{t("setup.intro")}</Paragraph>
          <ProblemAlert error={setup.error} />
          <TextField id="setup-name" label={t("setup.name")} required autoComplete="name" value={name} onValue={setName} error={errors.name} />
          <TextField id="setup-email" type="email" label={t("setup.email")} hint={t("setup.emailHint")} required autoComplete="email" value={email} onValue={setEmail} error={errors.email} />
          <SaveButton busy={setup.isPending}>{t("setup.submit")}</SaveButton>
        </form>
      )}
    </>
  );
}
