// "Afmelden" on a row of the participant list: a modal dialog asks the reason (it goes into the
// mail to the person), then the host's cancellation, also after the deadline.
import { Button, Heading2, Paragraph } from "@utrecht/component-library-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ProblemAlert } from "../../components/States";
import { fieldErrors, type EnrolmentItem, type SessionDto } from "./forms";
import { TextAreaField } from "./shared";

export function CancelEnrolment({
  item, session, onDone,
}: { item: EnrolmentItem; session: Pick<SessionDto, "id" | "workshop_id" | "event_id">; onDone: (name: string) => void }) {
  const { t } = useTranslation("manage", { keyPrefix: "cancel" });
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const name = item.person_name ?? item.person_email ?? "";
  const id = `cancel-${item.id}`;
  const cancel = useMutation({
    mutationFn: (r: string) =>
      unwrap(api.POST("/api/v1/enrolments/{id}/cancellation", { params: { path: { id: item.id } }, body: { reason: r } })),
    onSuccess: async () => {
      // Closed now, not after the next render: a modal dialog keeps the focus from the page.
      shut();
      setOpen(false);
      onDone(name);
      await Promise.all([
        qc.invalidateQueries({ queryKey: ["enrolments", session.id] }),
        qc.invalidateQueries({ queryKey: ["session", session.id] }),
        qc.invalidateQueries({ queryKey: ["workshop-sessions", session.workshop_id] }),
        qc.invalidateQueries({ queryKey: ["programme", session.event_id] }),
      ]);
    },
  });

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      // A modal dialog keeps the focus inside and closes on Escape; jsdom lacks showModal.
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
      document.getElementById(`${id}-reason`)?.focus();
    } else if (!open && d.open) {
      shut();
    }
  }, [open, id]);

  function shut() {
    const d = dialog.current;
    if (!d?.open) return;
    if (typeof d.close === "function") d.close();
    else d.removeAttribute("open");
  }
  const close = () => {
    shut();
    setOpen(false);
    opener.current?.focus();
  };
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    cancel.reset();
    cancel.mutate(reason);
  };
  const errors = fieldErrors(cancel.error);

  return (
    <>
      <Button ref={opener} appearance="secondary-action-button" aria-label={t("buttonFor", { name })} onClick={() => { cancel.reset(); setOpen(true); }}>
        {t("button")}
      </Button>
      <dialog
        ref={dialog}
        className="lw-dialog"
        aria-labelledby={`${id}-h`}
        onCancel={(e) => { e.preventDefault(); close(); }}
      >
        {open && (
          <form onSubmit={submit} noValidate className="lw-form">
            <Heading2 id={`${id}-h`}>{t("title", { name })}</Heading2>
            <Paragraph>{t("text", { name })}</Paragraph>
            <ProblemAlert error={errors.reason ? null : cancel.error} />
            <TextAreaField
              id={`${id}-reason`} label={t("reason")} required rows={3}
              hint={t("reasonHint", { name })} value={reason} onValue={setReason} error={errors.reason}
            />
            <div className="lw-buttons">
              <Button type="submit" appearance="primary-action-button" hint="danger" busy={cancel.isPending} disabled={cancel.isPending}>
                {t("yes")}
              </Button>
              <Button appearance="subtle-button" onClick={close} disabled={cancel.isPending}>
                {t("no")}
              </Button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
