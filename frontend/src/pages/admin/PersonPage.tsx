// /beheer/mensen/:id: one person as the admin sees them: where they work, their roles (granted
// and revoked here; a change works from their next request) and their live sign-ins.
import {
  Button, Heading1, Heading2, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
} from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import { Confirm, BackLink } from "../organiser/shared";
import { useOrganisation } from "./OrganisationPage";
import { useUnits } from "./Units";

const ROLES = ["organiser", "manager", "admin"] as const;
type RoleName = (typeof ROLES)[number];

export default function PersonPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const person = useQuery({
    queryKey: ["person", id],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}", { params: { path: { id } } })),
  });
  usePageTitle(person.data?.name);
  const org = useOrganisation(person.data?.organisation_id);
  if (person.isPending) return <Loading />;
  if (person.error) return <ProblemAlert error={person.error} />;
  const p = person.data;
  return (
    <>
      <BackLink to={`/beheer/organisaties/${p.organisation_id}`}>{t("person.back", { name: org.data?.name ?? "" })}</BackLink>
      <Heading1>{p.name}</Heading1>
      <Paragraph lead>{p.email}</Paragraph>
      <Details person={p} orgName={org.data?.name ?? ""} />
      <Roles personId={p.id} name={p.name} />
      <SignIns personId={p.id} />
    </>
  );
}

function Details({ person, orgName }: { person: { organisation_id: string; org_unit_id?: string | null; manager_id?: string | null; language: string }; orgName: string }) {
  const { t } = useTranslation("admin");
  const units = useUnits(person.organisation_id);
  const manager = useQuery({
    queryKey: ["person", person.manager_id],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}", { params: { path: { id: person.manager_id! } } })),
    enabled: !!person.manager_id,
  });
  const unit = units.data?.find((u) => u.id === person.org_unit_id)?.name;
  return (
    <section aria-labelledby="details-h" className="lw-card">
      <Heading2 id="details-h">{t("person.details")}</Heading2>
      <dl className="lw-facts">
        <dt>{t("person.organisation")}</dt>
        <dd><Link to={`/beheer/organisaties/${person.organisation_id}`}>{orgName}</Link></dd>
        <dt>{t("person.unit")}</dt>
        <dd>{unit ?? t("person.none")}</dd>
        <dt>{t("person.manager")}</dt>
        <dd>{manager.data ? <Link to={`/beheer/mensen/${manager.data.id}`}>{manager.data.name}</Link> : t("person.none")}</dd>
        <dt>{t("person.language")}</dt>
        <dd>{person.language === "en" ? t("person.en") : t("person.nl")}</dd>
      </dl>
    </section>
  );
}

function Roles({ personId, name }: { personId: string; name: string }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const roles = useQuery({
    queryKey: ["roles", personId],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}/roles", { params: { path: { id: personId } } })),
  });
  const [asking, setAsking] = useState<RoleName | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const after = async (r: { roles: string[] }) => {
    qc.setQueryData(["roles", personId], { person_id: personId, roles: r.roles });
    await qc.invalidateQueries({ queryKey: ["people"] });
  };
  const grant = useMutation({
    mutationFn: (role: RoleName) => unwrap(api.POST("/api/v1/people/{id}/roles", { params: { path: { id: personId } }, body: { role } })),
    onSuccess: async (r, role) => {
      setDone(t("person.granted", { name, role: t(`person.role.${role}`).toLowerCase() }));
      await after(r);
    },
  });
  const revoke = useMutation({
    mutationFn: (role: RoleName) =>
      unwrap(api.DELETE("/api/v1/people/{id}/roles/{role}", { params: { path: { id: personId, role } } })),
    onSuccess: async (r, role) => {
      setAsking(null);
      setDone(t("person.revoked", { role: t(`person.role.${role}`).toLowerCase() }));
      await after(r);
    },
  });
  const act = () => { setDone(null); grant.reset(); revoke.reset(); };
  return (
    <section aria-labelledby="roles-h" className="lw-card">
      <Heading2 id="roles-h">{t("person.roles")}</Heading2>
      <Paragraph>{t("person.rolesIntro")}</Paragraph>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      <ProblemAlert error={grant.error ?? revoke.error} />
      {roles.isPending ? (
        <Loading />
      ) : roles.error ? (
        <ProblemAlert error={roles.error} />
      ) : (
        <ul className="lw-roles">
          {ROLES.map((role) => {
            const held = roles.data.roles.includes(role);
            const label = t(`person.role.${role}`);
            return (
              <li key={role} className="lw-role">
                <div>
                  <strong>{label}</strong>: {held ? t("person.holds") : t("person.lacks")}
                  <Paragraph className="lw-hint">{t(`person.roleText.${role}`)}</Paragraph>
                </div>
                {held ? (
                  asking === role ? (
                    <Confirm
                      id={`revoke-${role}`}
                      question={t("person.revokeQuestion", { role: label.toLowerCase(), name })}
                      yes={t("person.revokeYes")}
                      no={t("form.no", { ns: "organiser" })}
                      busy={revoke.isPending}
                      onYes={() => revoke.mutate(role)}
                      onNo={() => setAsking(null)}
                    />
                  ) : (
                    <Button appearance="secondary-action-button" onClick={() => { act(); setAsking(role); }}>
                      {t("person.revoke", { role: label })}
                    </Button>
                  )
                ) : (
                  <Button appearance="secondary-action-button" busy={grant.isPending && grant.variables === role} onClick={() => { act(); grant.mutate(role); }}>
                    {t("person.grant", { role: label.toLowerCase() })}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function SignIns({ personId }: { personId: string }) {
  const { t } = useTranslation("admin");
  const qc = useQueryClient();
  const [done, setDone] = useState(false);
  const list = useQuery({
    queryKey: ["sign-ins", personId],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}/tokens", { params: { path: { id: personId } } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/tokens/{id}", { params: { path: { id } } })),
    onSuccess: async () => {
      setDone(true);
      await qc.invalidateQueries({ queryKey: ["sign-ins", personId] });
    },
  });
  const kind = (k: string) => (k === "browser" ? t("person.kindBrowser") : t("person.kindToken"));
  return (
    <section aria-labelledby="sign-ins-h" className="lw-card">
      <Heading2 id="sign-ins-h">{t("person.signIns")}</Heading2>
      <Paragraph>{t("person.signInsIntro")}</Paragraph>
      <div aria-live="polite">{done && <Success>{t("person.signInRevoked")}</Success>}</div>
      <ProblemAlert error={revoke.error} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemAlert error={list.error} />
      ) : list.data.length === 0 ? (
        <Empty>{t("person.signInsNone")}</Empty>
      ) : (
        <div className="lw-table-wrap">
          <Table className="lw-table" aria-labelledby="sign-ins-h">
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("person.kind")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("person.label")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("person.created")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("person.lastSeen")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("person.expires")}</TableHeaderCell>
                <TableHeaderCell scope="col"><span className="lw-visually-hidden">{t("person.revokeSignIn")}</span></TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((s) => (
                <TableRow key={s.id}>
                  <TableCell>{kind(s.kind)}</TableCell>
                  <TableCell>{s.label ?? ""}</TableCell>
                  <TableCell>{dateTime(s.created_at)}</TableCell>
                  <TableCell>{s.last_seen_at ? dateTime(s.last_seen_at) : ""}</TableCell>
                  <TableCell>{s.expires_at ? dateTime(s.expires_at) : t("person.never")}</TableCell>
                  <TableCell>
                    <Button
                      appearance="subtle-button"
                      hint="danger"
                      busy={revoke.isPending && revoke.variables === s.id}
                      aria-label={t("person.revokeSignInLabel", { kind: kind(s.kind), at: dateTime(s.created_at) })}
                      onClick={() => { setDone(false); revoke.mutate(s.id); }}
                    >
                      {t("person.revokeSignIn")}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
