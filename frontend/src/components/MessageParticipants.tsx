// Message a session's participants by mail (organisers, admins, the trainer): subject, text, and
// whether the waiting list gets it too. The server queues one mail each and says how many.
import { Button, Checkbox, FormField, FormLabel, Heading2, Paragraph, Textarea, Textbox } from "@utrecht/component-library-react";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiProblem, unwrap } from "../api/client";
import { ProblemAlert, Success } from "./States";

export function MessageParticipants({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [waitlist, setWaitlist] = useState(false);
  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/sessions/{id}/messages", {
          params: { path: { id: sessionId } },
          body: { subject, body, include_waitlist: waitlist },
        }),
      ),
    onSuccess: () => {
      setSubject("");
      setBody("");
    },
  });
  const field = send.error instanceof ApiProblem ? send.error.field : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };

  return (
    <section aria-labelledby="bericht-kop" className="lw-card">
      <Heading2 id="bericht-kop">{t("message.title")}</Heading2>
      <Paragraph>{t("message.intro")}</Paragraph>
      {send.isSuccess && (
        <Success>
          {send.data.recipients === 0 ? t("message.nobody") : t("message.sent", { count: send.data.recipients })}
        </Success>
      )}
      <ProblemAlert error={send.error} />
      <form onSubmit={submit} noValidate>
        <FormField>
          <FormLabel htmlFor="msg-subject">{t("message.subject")}</FormLabel>
          <Textbox id="msg-subject" value={subject} maxLength={150} required invalid={field === "subject"} aria-invalid={field === "subject" || undefined}
            onChange={(e) => setSubject(e.target.value)} />
        </FormField>
        <FormField>
          <FormLabel htmlFor="msg-body">{t("message.body")}</FormLabel>
          <Textarea id="msg-body" value={body} rows={6} maxLength={5000} required invalid={field === "body"} aria-invalid={field === "body" || undefined}
            aria-describedby="msg-body-hint" onChange={(e) => setBody(e.target.value)} />
          <p id="msg-body-hint" className="lw-hint">{t("message.hint", { count: 5000 - body.length })}</p>
        </FormField>
        <FormField type="checkbox" className="lw-filters__check">
          <Checkbox id="msg-waitlist" checked={waitlist} onChange={(e) => setWaitlist(e.target.checked)} />
          <FormLabel htmlFor="msg-waitlist" type="checkbox">{t("message.waitlist")}</FormLabel>
        </FormField>
        <Button type="submit" appearance="primary-action-button" busy={send.isPending} disabled={send.isPending}>
          {t("message.send")}
        </Button>
      </form>
    </section>
  );
}
