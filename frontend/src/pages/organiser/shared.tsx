// Building blocks of the organiser's screens: labelled fields that show the server's word next
// to the field at fault, a confirmation step, the way back, and the shared queries.
import {
  Button,
  FormField,
  FormFieldDescription,
  FormFieldErrorMessage,
  FormLabel,
  Paragraph,
  Select,
  Textarea,
  Textbox,
} from "@utrecht/component-library-react";
import { useQuery } from "@tanstack/react-query";
import { useState, type InputHTMLAttributes, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { focusFirst, missingFields } from "./forms";

export { useOrganisations } from "../../hooks/organisations";

export function useEvent(id: string | undefined) {
  return useQuery({
    queryKey: ["event", id],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useWorkshop(id: string | undefined) {
  return useQuery({
    queryKey: ["workshop", id],
    queryFn: () => unwrap(api.GET("/api/v1/workshops/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useSession(id: string | undefined) {
  return useQuery({
    queryKey: ["session", id],
    queryFn: () => unwrap(api.GET("/api/v1/sessions/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useEnrolments(sessionId: string | undefined, refetchInterval?: number) {
  return useQuery({
    queryKey: ["enrolments", sessionId],
    // Without `format` the answer is JSON (the CSV and XLSX variants are downloads).
    queryFn: async () =>
      (await unwrap(api.GET("/api/v1/sessions/{id}/enrolments", { params: { path: { id: sessionId! } } }))) as Schemas["AgendaDto"],
    enabled: !!sessionId,
    refetchInterval,
  });
}

/**
 * Required fields checked before sending: after the first attempt, each empty required field
 * has a message (until it is filled), and the focus goes to the first one.
 */
export function useRequired<T extends object>(form: T, required: (keyof T)[], prefix: string) {
  const { t } = useTranslation("organiser");
  const [checked, setChecked] = useState(false);
  const missing = checked ? missingFields(form, required) : [];
  return {
    missing,
    messages: Object.fromEntries(missing.map((k) => [k, t("form.missing")])) as Record<string, string>,
    /** True when all is filled in; otherwise marks the gaps and focuses the first. */
    check(): boolean {
      const m = missingFields(form, required);
      setChecked(true);
      if (m.length > 0) focusFirst(prefix, m);
      return m.length === 0;
    },
    reset: () => setChecked(false),
  };
}

/** "← Terug naar …" above the heading. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <p className="lw-crumbs">
      <Link to={to}>
        <span aria-hidden="true">← </span>
        {children}
      </Link>
    </p>
  );
}

interface FieldProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function FieldFrame({ id, label, error, hint, required, className, children }: FieldProps & { children: ReactNode }) {
  const { t } = useTranslation("organiser");
  return (
    <FormField invalid={!!error} className={["lw-field", className].filter(Boolean).join(" ")}>
      <div className="utrecht-form-field__label">
        <FormLabel htmlFor={id}>
          {label}
          {required && <span className="lw-required"> {t("form.required")}</span>}
        </FormLabel>
      </div>
      {hint && <FormFieldDescription id={`${id}-hint`}>{hint}</FormFieldDescription>}
      {error && (
        <FormFieldErrorMessage id={`${id}-error`} className="lw-field-error">
          {error}
        </FormFieldErrorMessage>
      )}
      <div className="utrecht-form-field__input">{children}</div>
    </FormField>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "id" | "value"> & {
  value: string;
  onValue: (v: string) => void;
};

export function TextField({ id, label, error, hint, required, className, value, onValue, ...input }: FieldProps & InputProps) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} required={required} className={className}>
      <Textbox
        id={id}
        name={id}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        invalid={!!error}
        required={required}
        aria-describedby={describedBy(id, error, hint)}
        {...input}
      />
    </FieldFrame>
  );
}

export function TextAreaField({
  id, label, error, hint, required, value, onValue, rows = 5,
}: FieldProps & { value: string; onValue: (v: string) => void; rows?: number }) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} required={required}>
      <Textarea
        id={id}
        name={id}
        rows={rows}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        invalid={!!error}
        aria-required={required || undefined}
        aria-describedby={describedBy(id, error, hint)}
      />
    </FieldFrame>
  );
}

export function SelectField({
  id, label, error, hint, required, value, onValue, children,
}: FieldProps & { value: string; onValue: (v: string) => void; children: ReactNode }) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} required={required}>
      <Select
        id={id}
        name={id}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        invalid={!!error}
        aria-required={required || undefined}
        aria-describedby={describedBy(id, error, hint)}
      >
        {children}
      </Select>
    </FieldFrame>
  );
}

/** A question with "yes" and "no"; the risky action only runs after "yes". */
export function Confirm({
  id, question, yes, no, busy, onYes, onNo,
}: { id: string; question: ReactNode; yes: string; no: string; busy?: boolean; onYes: () => void; onNo: () => void }) {
  return (
    <div className="lw-confirm" role="group" aria-labelledby={`${id}-q`}>
      <Paragraph id={`${id}-q`}>{question}</Paragraph>
      <div className="lw-buttons">
        <Button appearance="primary-action-button" hint="danger" onClick={onYes} busy={busy} disabled={busy}>
          {yes}
        </Button>
        <Button appearance="subtle-button" onClick={onNo} disabled={busy}>
          {no}
        </Button>
      </div>
    </div>
  );
}

export function SaveButton({ busy, children }: { busy: boolean; children: ReactNode }) {
  const { t } = useTranslation("organiser");
  return (
    <Button type="submit" appearance="primary-action-button" busy={busy} disabled={busy} aria-disabled={busy || undefined}>
      {busy ? t("form.saving") : children}
    </Button>
  );
}

/** The status of an event, workshop or session in words (never by colour alone). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("organiser");
  const cls = status === "cancelled" ? "lw-badge lw-badge--cancelled" : status === "published" || status === "scheduled" ? "lw-badge lw-badge--free" : "lw-badge lw-badge--theme";
  return <span className={cls}>{t(`status.${status}`, { defaultValue: status })}</span>;
}
