// /beheer/organisaties/:id: one organisation: its name, its units, its organisers and
// managers, and its people (searched and paged), each linking to their page.
import {
  Button, Heading1, Heading2, Heading3, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { fieldErrors } from "../organiser/forms";
import { BackLink, SaveButton, TextField } from "../organiser/shared";
import { Units, useUnits } from "./Units";

const PER_PAGE = 25;

export function useOrganisation(id: string | undefined) {
  return useQuery({
    queryKey: ["organisation", id],
    queryFn: () => unwrap(api.GET("/api/v1/organisations/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export default function OrganisationPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const org = useOrganisation(id);
  usePageTitle(org.data?.name ?? t("orgs.title"));
  if (org.isPending) return <Loading />;
  if (org.error) return <ProblemAlert error={org.error} />;
  return (
    <>
      <BackLink to="/beheer/organisaties">{t("org.back")}</BackLink>
      <Heading1>{org.data.name}</Heading1>
      <Paragraph><Link to={`/beheer/organisaties/${id}/inloggen`}>{t("sso.link")}</Link></Paragraph>
      <Rename id={id} name={org.data.name} />
      <Units orgId={id} />
      <Staff orgId={id} />
      <People orgId={id} />
    </>
  );
}

function Rename({ id, name }: { id: string; name: string }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [value, setValue] = useState(name);
  const [saved, setSaved] = useState(false);
  const rename = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/organisations/{id}", { params: { path: { id } }, body: { name: value } })),
    onSuccess: async (o) => {
      setSaved(true);
      qc.setQueryData(["organisation", id], o);
      await qc.invalidateQueries({ queryKey: ["organisations"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    rename.mutate();
  };
  return (
    <section aria-labelledby="rename-h" className="lw-card">
      <Heading2 id="rename-h">{t("org.rename")}</Heading2>
      <form onSubmit={submit} noValidate className="lw-form">
        <div aria-live="polite">{saved && <Success>{t("org.renamed")}</Success>}</div>
        <ProblemAlert error={rename.error} />
        <TextField id="org-name" label={t("orgs.name")} required value={value} onValue={(v) => { setSaved(false); setValue(v); }} error={fieldErrors(rename.error).name} />
        <SaveButton busy={rename.isPending}>{t("org.save")}</SaveButton>
      </form>
    </section>
  );
}

function usePeople(orgId: string, params: { q?: string; role?: string; page?: number; per_page?: number }) {
  return useQuery({
    queryKey: ["people", orgId, params],
    queryFn: () =>
      unwrap(api.GET("/api/v1/people", { params: { query: { organisation_id: orgId, ...params } } })),
  });
}

function Staff({ orgId }: { orgId: string }) {
  const { t } = useTranslation("admin");
  const organisers = usePeople(orgId, { role: "organiser", per_page: 100 });
  const managers = usePeople(orgId, { role: "manager", per_page: 100 });
  const list = (q: typeof organisers, id: string, title: string) => (
    <div>
      <Heading3 id={id}>{title}</Heading3>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemAlert error={q.error} />
      ) : q.data.items.length === 0 ? (
        <Paragraph>{t("org.nobody")}</Paragraph>
      ) : (
        <ul aria-labelledby={id}>
          {q.data.items.map((p) => (
            <li key={p.id}><Link to={`/beheer/mensen/${p.id}`}>{p.name}</Link></li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <section aria-labelledby="staff-h" className="lw-card">
      <Heading2 id="staff-h">{t("org.staffTitle")}</Heading2>
      <div className="lw-columns">
        {list(organisers, "organisers-h", t("org.organisers"))}
        {list(managers, "managers-h", t("org.managers"))}
      </div>
    </section>
  );
}

function People({ orgId }: { orgId: string }) {
  const { t } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
  const q = params.get("zoek") ?? "";
  const page = Math.max(1, Number(params.get("pagina")) || 1);
  const [draft, setDraft] = useState(q);
  const people = usePeople(orgId, { q: q || undefined, page, per_page: PER_PAGE });
  const units = useUnits(orgId);
  const unitName = (id?: string | null) => units.data?.find((u) => u.id === id)?.name ?? "";
  const go = (next: { zoek?: string; pagina?: number }) => {
    const p = new URLSearchParams(params);
    if (next.zoek !== undefined) (next.zoek ? p.set("zoek", next.zoek) : p.delete("zoek"));
    if (next.pagina && next.pagina > 1) p.set("pagina", String(next.pagina));
    else p.delete("pagina");
    setParams(p, { replace: true });
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    go({ zoek: draft.trim(), pagina: 1 });
  };
  const pages = people.data ? Math.max(1, Math.ceil(people.data.total / PER_PAGE)) : 1;
  return (
    <section aria-labelledby="people-h" className="lw-card">
      <Heading2 id="people-h">{t("org.peopleTitle")}</Heading2>
      <form role="search" onSubmit={search} className="lw-form lw-search">
        <TextField id="people-q" type="search" label={t("org.search")} value={draft} onValue={setDraft} />
        <Button type="submit" appearance="secondary-action-button">{t("org.searchButton")}</Button>
      </form>
      {people.isPending ? (
        <Loading />
      ) : people.error ? (
        <ProblemAlert error={people.error} />
      ) : people.data.items.length === 0 ? (
        <Empty>{t("org.peopleNone")}</Empty>
      ) : (
        <>
          <p role="status" className="lw-hint">{t("org.count", { count: people.data.total })}</p>
          <div className="lw-table-wrap">
            <Table className="lw-table" aria-labelledby="people-h">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("orgs.name")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("org.email")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("org.unit")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {people.data.items.map((p) => (
                  <TableRow key={p.id}>
                    <TableCell><Link to={`/beheer/mensen/${p.id}`}>{p.name}</Link></TableCell>
                    <TableCell>{p.email}</TableCell>
                    <TableCell>{unitName(p.org_unit_id)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {pages > 1 && (
            <nav aria-label={t("org.page", { page, pages })} className="lw-buttons">
              <Button appearance="subtle-button" disabled={page <= 1} onClick={() => go({ pagina: page - 1 })}>{t("org.previous")}</Button>
              <span>{t("org.page", { page, pages })}</span>
              <Button appearance="subtle-button" disabled={page >= pages} onClick={() => go({ pagina: page + 1 })}>{t("org.next")}</Button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
