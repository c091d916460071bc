// Loading, empty and error states, the same everywhere.
import { Alert, Paragraph } from "@utrecht/component-library-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiProblem } from "../api/client";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p role="status" aria-live="polite" className="lw-loading">
      {label ?? t("state.loading")}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="lw-empty"><Paragraph>{children}</Paragraph></div>;
}

/** A problem+json answer, with the field at fault, in an alert. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const p = error instanceof ApiProblem ? error : null;
  let text = p ? p.detail : String(error);
  if (p?.status === 0) text = t("state.network");
  return (
    <Alert type="error" role="alert">
      {title && <Paragraph><strong>{title}</strong></Paragraph>}
      <Paragraph>{text}</Paragraph>
      {p && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => (
            <li key={e.field + e.detail}>
              <code>{e.field}</code>: {e.detail}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <Alert type="ok" role="status">
      <Paragraph>{children}</Paragraph>
    </Alert>
  );
}
