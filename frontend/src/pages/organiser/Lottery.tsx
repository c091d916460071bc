// The lottery of a week, for the lead organisation's organisers: a trial run at any time, the
// real run once the preference window has closed (after a confirmation), and the last run's
// figures (who asked, who got their first choice, any choice, nothing and why), per organisation.
import { Button, Heading2, Heading3, Paragraph, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@utrecht/component-library-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiProblem, unwrap, type Schemas } from "../../api/client";
import { ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import type { EventDto } from "./forms";
import { useOrganisations } from "../../hooks/organisations";
import { Confirm, TextField } from "./shared";

type Run = Schemas["AllocationRunDto"];

export function Lottery({ event }: { event: EventDto }) {
  const { t } = useTranslation("lottery");
  const qc = useQueryClient();
  const organisations = useOrganisations();
  const [seed, setSeed] = useState("");
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState(false);
  const last = useQuery({
    queryKey: ["allocation", event.id],
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/v1/events/{id}/allocation", { params: { path: { id: event.id } } }));
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 404) return null;
        throw e;
      }
    },
  });
  const run = useMutation({
    mutationFn: (dry_run: boolean) =>
      unwrap(api.POST("/api/v1/events/{id}/allocation", {
        params: { path: { id: event.id } },
        body: { dry_run, seed: seed.trim() || null },
      })),
    onSuccess: async (r) => {
      qc.setQueryData(["allocation", event.id], r);
      setAsking(false);
      setDone(!r.dry_run);
      if (!r.dry_run) await qc.invalidateQueries({ queryKey: ["event", event.id] });
    },
  });
  const open = !event.allocated_at && new Date() < new Date(event.enrolment_closes_at);
  const names = new Map((organisations.data ?? []).map((o) => [o.id, o.name]));

  return (
    <section aria-labelledby="lottery-heading" className="lw-card">
      <Heading2 id="lottery-heading">{t("alloc.title")}</Heading2>
      <Paragraph>{t("alloc.intro", { at: dateTime(event.enrolment_closes_at, event.time_zone) })}</Paragraph>
      <ProblemAlert error={last.error ?? run.error} />
      {done && <Success>{t("alloc.done")}</Success>}
      {!event.allocated_at && (
        <>
          <TextField id="lottery-seed" label={t("alloc.seed")} hint={t("alloc.seedHint")} value={seed} onValue={setSeed} inputMode="numeric" autoComplete="off" />
          {open && <Paragraph>{t("alloc.stillOpen")}</Paragraph>}
          {asking ? (
            <Confirm id="lottery-confirm" question={t("alloc.confirm")} yes={t("alloc.yes")} no={t("alloc.no")} busy={run.isPending} onYes={() => run.mutate(false)} onNo={() => setAsking(false)} />
          ) : (
            <p className="lw-buttons">
              <Button appearance="secondary-action-button" onClick={() => run.mutate(true)} busy={run.isPending} disabled={run.isPending}>
                {t("alloc.dryRun")}
              </Button>{" "}
              {!open && (
                <Button appearance="primary-action-button" onClick={() => setAsking(true)} disabled={run.isPending}>
                  {t("alloc.run")}
                </Button>
              )}
            </p>
          )}
        </>
      )}
      {last.data === null && <Paragraph>{t("alloc.none")}</Paragraph>}
      {last.data && <Figures run={last.data} zone={event.time_zone} names={names} />}
    </section>
  );
}

function Figures({ run, zone, names }: { run: Run; zone: string; names: Map<string, string> }) {
  const { t } = useTranslation("lottery");
  const s = run.summary;
  const w = s.no_seat_why;
  const rows: [string, number][] = [
    [t("alloc.asked"), s.asked],
    [t("alloc.firstChoice"), s.first_choice],
    [t("alloc.anyChoice"), s.any_choice],
    [t("alloc.waitingOnly"), s.waiting_only],
    [t("alloc.nothing"), s.nothing],
    [t("alloc.seats"), s.seats_given],
    [t("alloc.waiting"), s.waiting_given],
  ];
  const why = [
    [t("alloc.whyFull"), w.full], [t("alloc.whyOverlap"), w.overlap], [t("alloc.whyAudience"), w.audience],
    [t("alloc.whyLimit"), w.limit], [t("alloc.whyClosed"), w.closed], [t("alloc.whyHeld"), w.held],
  ].filter(([, n]) => Number(n) > 0);
  return (
    <>
      <Paragraph>
        {run.dry_run
          ? t("alloc.lastDry", { at: dateTime(run.ran_at, zone), seed: run.seed })
          : t("alloc.lastReal", { at: dateTime(run.ran_at, zone), seed: run.seed })}
      </Paragraph>
      <Heading3>{t("alloc.figures")}</Heading3>
      <Table>
        <TableBody>
          {rows.map(([label, n]) => (
            <TableRow key={label}>
              <TableHeaderCell scope="row">{label}</TableHeaderCell>
              <TableCell >{n}</TableCell>
            </TableRow>
          ))}
          {why.length > 0 && (
            <TableRow>
              <TableHeaderCell scope="row">{t("alloc.why")}</TableHeaderCell>
              <TableCell>{why.map(([label, n]) => `${label}: ${n}`).join(", ")}</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      {s.organisations.length > 0 && (
        <>
          <Heading3>{t("alloc.perOrganisation")}</Heading3>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("alloc.organisation")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("alloc.asked")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("alloc.firstChoice")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("alloc.anyChoice")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("alloc.noSeat")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.organisations.map((o) => (
                <TableRow key={o.organisation_id}>
                  <TableHeaderCell scope="row">{names.get(o.organisation_id) ?? o.organisation_id}</TableHeaderCell>
                  <TableCell >{o.asked}</TableCell>
                  <TableCell >{o.first_choice}</TableCell>
                  <TableCell >{o.any_choice}</TableCell>
                  <TableCell >{o.no_seat}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </>
  );
}
