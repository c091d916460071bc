// "Bewijzen van deelname" on the organiser's session page: the certificates issued for the
// session (revoked ones too), revoking a valid one (with a confirmation and an optional reason),
// and one ZIP of PDFs for everyone recorded present, for printing.
import { Button, Heading2, Paragraph, Table, TableBody, TableCaption, TableCell, TableHeader, TableHeaderCell, TableRow } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime, longDate } from "../../format";
import { useRefreshAfterDownload, useSessionCertificates } from "../../hooks/portfolio";
import { fieldErrors } from "./forms";
import { TextField } from "./shared";

type Issued = Schemas["SessionCertificateDto"];

export function SessionCertificates({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation("portfolio");
  const list = useSessionCertificates(sessionId);
  const refresh = useRefreshAfterDownload(["certificates", sessionId]);
  const [revoking, setRevoking] = useState<Issued | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const items = list.data ?? [];
  return (
    <section aria-labelledby="certificates-h">
      <Heading2 id="certificates-h" tabIndex={-1}>{t("certificates.title")}</Heading2>
      <Paragraph>{t("certificates.intro")}</Paragraph>
      <div className="lw-downloads">
        <a
          className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
          href={`/api/v1/sessions/${sessionId}/certificates.zip`}
          download
          aria-describedby="certificates-zip-hint"
          onClick={refresh}
        >
          {t("certificates.zip")}
        </a>
        <span id="certificates-zip-hint" className="lw-downloads__hint">{t("certificates.zipHint")}</span>
      </div>
      <div aria-live="polite">{done && <Success>{done}</Success>}</div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemAlert error={list.error} />
      ) : items.length === 0 ? (
        <Empty>{t("certificates.none")}</Empty>
      ) : (
        <div className="lw-table-wrap" tabIndex={0} role="region" aria-labelledby="certificates-caption">
          <Table className="lw-table">
            <TableCaption id="certificates-caption">{t("certificates.caption")}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell scope="col">{t("certificates.name")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("certificates.code")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("certificates.issued")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("certificates.status")}</TableHeaderCell>
                <TableHeaderCell scope="col">{t("certificates.action")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((c) => (
                <TableRow key={c.code}>
                  <TableHeaderCell scope="row">{c.person_name}</TableHeaderCell>
                  <TableCell><code>{c.code}</code></TableCell>
                  <TableCell>{dateTime(c.issued_at)}</TableCell>
                  <TableCell>
                    {c.revoked_at ? (
                      <span className="lw-badge lw-badge--cancelled">{t("certificates.revoked", { date: longDate(c.revoked_at) })}</span>
                    ) : (
                      <span className="lw-badge lw-badge--free">{t("certificates.valid")}</span>
                    )}
                  </TableCell>
                  <TableCell>
                    {c.revoked_at ? (
                      "—"
                    ) : (
                      <Button
                        appearance="secondary-action-button"
                        aria-expanded={revoking?.code === c.code}
                        aria-controls={revoking?.code === c.code ? "revoke-panel" : undefined}
                        onClick={() => { setDone(null); setRevoking(c); }}
                      >
                        {t("certificates.revoke")}
                        <span className="lw-visually-hidden"> ({c.person_name})</span>
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {revoking && (
        <Revoke
          key={revoking.code}
          sessionId={sessionId}
          certificate={revoking}
          onDone={(name) => {
            setRevoking(null);
            setDone(t("certificates.revokedDone", { name }));
            document.getElementById("certificates-h")?.focus();
          }}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function Revoke({ sessionId, certificate: c, onDone, onCancel }: { sessionId: string; certificate: Issued; onDone: (name: string) => void; onCancel: () => void }) {
  const { t } = useTranslation("portfolio");
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const panel = useRef<HTMLFormElement>(null);
  useEffect(() => {
    panel.current?.querySelector("p")?.focus();
  }, []);
  const revoke = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/certificates/{code}/revoke", { params: { path: { code: c.code } }, body: { reason: reason.trim() || null } })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["certificates", sessionId] });
      onDone(c.person_name);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    revoke.mutate();
  };
  return (
    <form id="revoke-panel" ref={panel} onSubmit={submit} noValidate className="lw-form lw-confirm lw-revoke" aria-labelledby="revoke-q">
      <p id="revoke-q" tabIndex={-1} className="utrecht-paragraph">{t("certificates.revokeQuestion", { name: c.person_name, code: c.code })}</p>
      <ProblemAlert error={revoke.error} />
      <TextField
        id="revoke-reason"
        label={t("certificates.reason")}
        hint={t("certificates.reasonHint")}
        value={reason}
        onValue={setReason}
        maxLength={500}
        error={fieldErrors(revoke.error).reason}
      />
      <div className="lw-buttons">
        <Button type="submit" appearance="primary-action-button" hint="danger" busy={revoke.isPending} disabled={revoke.isPending}>
          {t("certificates.revokeYes")}
        </Button>
        <Button appearance="subtle-button" onClick={onCancel} disabled={revoke.isPending}>
          {t("certificates.revokeNo")}
        </Button>
      </div>
    </form>
  );
}
