// /beheer/organisaties: every organisation with its number of employees and units, and a form
// for a new one.
import {
  Heading1, Heading2, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { useOrganisations } from "../../hooks/organisations";
import { fieldErrors } from "../organiser/forms";
import { BackLink, SaveButton, TextField } from "../organiser/shared";

export default function Organisations() {
  const { t } = useTranslation("admin");
  usePageTitle(t("orgs.title"));
  const orgs = useOrganisations();
  return (
    <>
      <BackLink to="/beheer">{t("back")}</BackLink>
      <Heading1>{t("orgs.title")}</Heading1>
      <Paragraph lead>{t("orgs.intro")}</Paragraph>
      {orgs.isPending ? (
        <Loading />
      ) : orgs.error ? (
        <ProblemAlert error={orgs.error} />
      ) : orgs.data.length === 0 ? (
        <Empty>{t("orgs.none")}</Empty>
      ) : (
        <div className="lw-table-wrap">
          <Table className="lw-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("orgs.name")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("orgs.people")}</TableHeaderCell>
                <TableHeaderCell scope="col" className="lw-num">{t("orgs.units")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {orgs.data.map((o) => (
                <TableRow key={o.id}>
                  <TableCell><Link to={`/beheer/organisaties/${o.id}`}>{o.name}</Link></TableCell>
                  <TableCell className="lw-num">{o.people ?? "–"}</TableCell>
                  <TableCell className="lw-num">{o.units ?? "–"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <NewOrganisation />
    </>
  );
}

function NewOrganisation() {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) => unwrap(api.POST("/api/v1/organisations", { body: { name: n } })),
    onSuccess: async (o) => {
      setAdded(o.name);
      setName("");
      await qc.invalidateQueries({ queryKey: ["organisations"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    create.mutate(name);
  };
  return (
    <section aria-labelledby="new-org-h" className="lw-card">
      <Heading2 id="new-org-h">{t("orgs.new")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">{added && <Success>{t("orgs.added", { name: added })}</Success>}</div>
        <ProblemAlert error={create.error} />
        <TextField id="new-org-name" label={t("orgs.name")} required value={name} onValue={setName} error={fieldErrors(create.error).name} />
        <SaveButton busy={create.isPending}>{t("orgs.add")}</SaveButton>
      </form>
    </section>
  );
}
