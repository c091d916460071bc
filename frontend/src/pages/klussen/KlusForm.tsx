// /klussen/nieuw and /klussen/{id}/bewerken: the poster's form. A new klus is saved as a draft
// or published at once; a change sends only what changed (a draft may be published with it).
// Empty required fields are marked before sending and the first takes the focus; the server's
// word on a field stands next to it. Done, the klus's page says what happened.
import { Button, Heading1, Paragraph } from "@utrecht/component-library-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { ApiProblem } from "../../api/client";
import type { Assignment } from "../../api/klussen";
import { usePageTitle } from "../../components/Layout";
import { Loading, ProblemAlert } from "../../components/States";
import { useAssignment, useCreateAssignment, useUpdateAssignment } from "../../hooks/klussen";
import { useOrganisations } from "../../hooks/organisations";
import { hasRole, useMe, type Me } from "../../hooks/session";
import { assignmentBody, assignmentPatch, emptyForm, formField, formOf, missing, type AssignmentForm } from "../../klussen";
import { fieldErrors, focusFirst } from "../organiser/forms";
import { BackLink, SaveButton } from "../organiser/shared";
import { KlusFields, under, type Scope } from "./KlusFields";

const PREFIX = "klus";

function scopeOf(me: Me, organisationId: string, organisationName: string): Scope {
  const wide = hasRole(me, "organiser", "admin");
  const root = me.org_unit_id;
  return {
    organisationId,
    organisationName,
    unitFilter: wide || !root ? null : (u, all) => under(u, root, all),
    mayChooseContact: wide,
  };
}

export function NewKlus() {
  const { t } = useTranslation("klussen");
  usePageTitle(t("form.newTitle"));
  const me = useMe();
  const organisations = useOrganisations();
  if (me.isPending || organisations.isPending) return <Loading />;
  if (!me.data) return <ProblemAlert error={me.error ?? organisations.error} />;
  const orgName = organisations.data?.find((o) => o.id === me.data!.organisation_id)?.name ?? "";
  return (
    <>
      <BackLink to="/klussen">{t("klus.back")}</BackLink>
      <Heading1>{t("form.newTitle")}</Heading1>
      <Paragraph lead>{t("form.newIntro")}</Paragraph>
      <KlusEditor initial={emptyForm(me.data)} scope={scopeOf(me.data, me.data.organisation_id, orgName)} contactName={me.data.name} />
    </>
  );
}

export function EditKlus() {
  const { id = "" } = useParams();
  const { t } = useTranslation("klussen");
  const me = useMe();
  const klus = useAssignment(id);
  usePageTitle(klus.data ? t("form.editTitle", { title: klus.data.title }) : t("form.editTitleShort"));
  if (klus.isPending || me.isPending) return <Loading />;
  if (klus.error || !me.data) {
    const gone = klus.error instanceof ApiProblem && klus.error.status === 404;
    return (
      <>
        <BackLink to="/klussen">{t("klus.back")}</BackLink>
        <Heading1>{gone ? t("klus.notFound") : t("form.editTitleShort")}</Heading1>
        {gone ? <Paragraph>{t("klus.notFoundText")}</Paragraph> : <ProblemAlert error={klus.error ?? me.error} />}
      </>
    );
  }
  const a = klus.data;
  return (
    <>
      <BackLink to={`/klussen/${a.id}`}>{t("form.backTo", { title: a.title })}</BackLink>
      <Heading1>{t("form.editTitle", { title: a.title })}</Heading1>
      {!a.may_manage || a.state === "done" ? (
        <Paragraph>{a.state === "done" ? t("form.done") : t("form.notYours")}</Paragraph>
      ) : (
        <KlusEditor key={a.id} klus={a} initial={formOf(a)} scope={scopeOf(me.data, a.organisation_id, a.organisation_name)} contactName={a.contact?.name ?? null} />
      )}
    </>
  );
}

function KlusEditor({ klus, initial, scope, contactName }: { klus?: Assignment; initial: AssignmentForm; scope: Scope; contactName: string | null }) {
  const { t } = useTranslation("klussen");
  const { t: to } = useTranslation("organiser");
  const navigate = useNavigate();
  const [form, setForm] = useState(initial);
  const [checked, setChecked] = useState(false);
  const [nothing, setNothing] = useState(false);
  const create = useCreateAssignment();
  const update = useUpdateAssignment(klus?.id ?? "");
  const pending = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  const gaps = checked ? missing(form) : [];
  const server = Object.fromEntries(Object.entries(fieldErrors(error)).map(([k, v]) => [formField(k), v]));
  const errors: Record<string, string> = { ...server, ...Object.fromEntries(gaps.map((k) => [k, to("form.missing")])) };
  const fieldProblem = Object.keys(server).length > 0;

  const set = (patch: Partial<AssignmentForm>) => {
    setNothing(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const onError = (err: unknown) => {
    const fields = Object.keys(fieldErrors(err)).map(formField);
    if (fields.length > 0) focusFirst(PREFIX, fields.map((f) => (f === "contact_person_id" ? "contact_person_id-search" : f)));
  };

  const submit = (publish: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    create.reset();
    update.reset();
    setChecked(true);
    const m = missing(form);
    if (m.length > 0) {
      focusFirst(PREFIX, m);
      return;
    }
    if (!klus) {
      create.mutate(assignmentBody(form, scope.organisationId, publish ? "open" : "draft"), {
        onSuccess: (a) => navigate(`/klussen/${a.id}`, { state: { said: publish ? t("form.published", { title: a.title }) : t("form.drafted", { title: a.title }) } }),
        onError,
      });
      return;
    }
    const patch = assignmentPatch(initial, form);
    if (publish) patch.state = "open";
    if (Object.keys(patch).length === 0) {
      setNothing(true);
      return;
    }
    update.mutate(patch, {
      onSuccess: (a) => navigate(`/klussen/${a.id}`, { state: { said: publish ? t("form.published", { title: a.title }) : t("form.saved", { title: a.title }) } }),
      onError,
    });
  };

  return (
    <form onSubmit={submit(!klus)} noValidate className="lw-form lw-card">
      <p className="lw-hint">{t("form.requiredNote")}</p>
      {gaps.length > 0 && <p role="alert" className="lw-field-error">{t("form.fillIn", { count: gaps.length })}</p>}
      {fieldProblem && <p role="alert" className="lw-field-error">{t("form.fixFields")}</p>}
      <ProblemAlert error={error && !fieldProblem ? error : null} title={t("form.notSaved")} />
      <KlusFields prefix={PREFIX} form={form} set={set} errors={errors} scope={scope} contactName={contactName} />
      <div aria-live="polite">{nothing && <Paragraph className="lw-hint">{t("form.noChanges")}</Paragraph>}</div>
      <div className="lw-buttons">
        {!klus ? (
          <>
            <SaveButton busy={pending && create.variables?.state === "open"}>{t("form.publish")}</SaveButton>
            <Button appearance="secondary-action-button" onClick={() => submit(false)()} disabled={pending}>{t("form.saveDraft")}</Button>
          </>
        ) : (
          <>
            <SaveButton busy={pending && update.variables?.state !== "open"}>{t("form.save")}</SaveButton>
            {klus.state === "draft" && (
              <Button appearance="secondary-action-button" onClick={() => submit(true)()} disabled={pending}>{t("form.saveAndPublish")}</Button>
            )}
          </>
        )}
      </div>
      {!klus && <p className="lw-hint">{t("form.publishHint")}</p>}
    </form>
  );
}
