// /beheer/audit: the audit log with filters (who, what, when, subject) and paging. The filters
// live in the address, so a filtered view can be shared and survives a reload.
import { Button, Heading1, Paragraph } from "@utrecht/component-library-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { BackLink, SelectField, TextField } from "../organiser/shared";
import { pageInfo } from "../reports/model";
import { Pager } from "../reports/parts";
import { Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "../reports/table";
import { useMoment } from "./shared";

const PER_PAGE = 25;
const ACTIONS = [
  "person.", "person.create", "person.erase", "person.export", "person.language", "role.", "people.", "event.",
  "workshop.", "session.", "enrolment.", "attendance.", "mail.", "privacy.", "sso.", "organisation.",
];
const TYPES = ["person", "session", "workshop", "event", "enrolment", "mail", "outbox", "settings", "organisation"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = ["actor", "action", "subject_type", "subject_id", "from", "to"] as const;
type Filters = Record<(typeof FIELDS)[number], string>;
type Entry = Schemas["AuditDto"];

/** Midnight at the start of a date in Amsterdam, as an RFC 3339 moment. */
function startOf(date: string, days = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

export default function AuditPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("audit.title"));
  const moment = useMoment();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ""])) as Filters;
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [form, setForm] = useState<Filters>(applied);
  const [idError, setIdError] = useState<string | undefined>();
  const field = (k: keyof Filters) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (form.subject_id.trim() && !UUID.test(form.subject_id.trim())) {
      setIdError(t("audit.subjectIdInvalid"));
      document.getElementById("audit-subject-id")?.focus();
      return;
    }
    setIdError(undefined);
    const next = new URLSearchParams();
    for (const f of FIELDS) if (form[f].trim()) next.set(f, form[f].trim());
    setParams(next, { replace: true });
  };
  const reset = () => {
    const empty = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Filters;
    setForm(empty);
    setIdError(undefined);
    setParams(new URLSearchParams(), { replace: true });
  };
  const toPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    setParams(next, { replace: true });
  };

  const list = useQuery({
    queryKey: ["audit", applied, page],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/admin/audit", {
          params: {
            query: {
              actor: applied.actor || undefined,
              action: applied.action || undefined,
              subject_type: applied.subject_type || undefined,
              subject_id: applied.subject_id || undefined,
              from: startOf(applied.from),
              to: startOf(applied.to, 1),
              page,
              per_page: PER_PAGE,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const data = list.data;
  const info = data ? pageInfo(data.total, data.page, data.per_page) : null;
  const actionLabel = (a: string) => t(`audit.action.${a.replace(".", "_")}`, { defaultValue: a });

  return (
    <>
      <BackLink to="/beheer">{t("back")}</BackLink>
      <Heading1>{t("audit.title")}</Heading1>
      <Paragraph lead>{t("audit.intro")}</Paragraph>

      <form className="lw-filters" aria-label={t("audit.filters")} onSubmit={apply}>
        <TextField id="audit-actor" label={t("audit.who")} hint={t("audit.whoHint")} value={form.actor} onValue={field("actor")} type="search" />
        <SelectField id="audit-action" label={t("audit.what")} value={form.action} onValue={field("action")}>
          <option value="">{t("audit.any")}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>{actionLabel(a)}</option>
          ))}
        </SelectField>
        <SelectField id="audit-subject-type" label={t("audit.subjectType")} value={form.subject_type} onValue={field("subject_type")}>
          <option value="">{t("audit.any")}</option>
          {TYPES.map((s) => (
            <option key={s} value={s}>{t(`audit.type.${s}`)}</option>
          ))}
        </SelectField>
        <TextField
          id="audit-subject-id"
          label={t("audit.subjectId")}
          hint={t("audit.subjectIdHint")}
          error={idError}
          value={form.subject_id}
          onValue={field("subject_id")}
          spellCheck={false}
          autoComplete="off"
        />
        <TextField id="audit-from" label={t("audit.from")} value={form.from} onValue={field("from")} type="date" />
        <TextField id="audit-to" label={t("audit.to")} value={form.to} onValue={field("to")} type="date" />
        <div className="lw-buttons lw-filters__search">
          <Button type="submit" appearance="primary-action-button">{t("audit.apply")}</Button>
          <Button appearance="subtle-button" onClick={reset}>{t("audit.reset")}</Button>
        </div>
      </form>

      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : data && data.items.length === 0 ? (
        <Empty>{t("audit.empty")}</Empty>
      ) : data ? (
        <>
          <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="audit-caption">
            <Table busy={list.isFetching} className="lw-table">
              <TableCaption id="audit-caption">{t("audit.caption")}</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">{t("audit.when")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("audit.actor")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("audit.what")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("audit.subject")}</TableHeaderCell>
                  <TableHeaderCell scope="col">{t("audit.change")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((e) => (
                  <AuditRow key={e.id} e={e} when={moment(e.at)} action={actionLabel(e.action)} />
                ))}
              </TableBody>
            </Table>
          </div>
          {info && <Pager info={info} total={data.total} onPage={toPage} busy={list.isFetching} />}
        </>
      ) : null}
    </>
  );
}

function AuditRow({ e, when, action }: { e: Entry; when: string; action: string }) {
  const { t } = useTranslation("admin");
  const json = (v: unknown) => JSON.stringify(v, null, 1);
  const changed = e.before != null || e.after != null;
  return (
    <TableRow>
      <TableCell>{when}</TableCell>
      <TableCell>{e.actor_name ?? t("audit.system")}</TableCell>
      <TableCell>
        {action}
        <span className="lw-sub"><code>{e.action}</code></span>
      </TableCell>
      <TableCell>
        {t(`audit.type.${e.subject_type}`, { defaultValue: e.subject_type })}
        <span className="lw-sub"><code>{e.subject_id}</code></span>
      </TableCell>
      <TableCell>
        {changed && (
          <details>
            <summary>{t("audit.show")}</summary>
            {e.before != null && (
              <>
                <strong>{t("audit.before")}</strong>
                <pre className="lw-json">{json(e.before)}</pre>
              </>
            )}
            {e.after != null && (
              <>
                <strong>{t("audit.after")}</strong>
                <pre className="lw-json">{json(e.after)}</pre>
              </>
            )}
          </details>
        )}
      </TableCell>
    </TableRow>
  );
}
