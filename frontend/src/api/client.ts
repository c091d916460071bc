// The typed API client: paths and bodies come from schema.d.ts, generated from the server's
// OpenAPI document. The browser signs in with an HttpOnly session cookie; every write carries the
// session's CSRF token, fetched once from /api/v1/auth/session.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
/** The members of a problem document (the generated type also allows extra members). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string | null;
  errors?: { field: string; detail: string }[];
}

/** A problem+json answer (RFC 9457), or a network failure dressed as one. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly detail: string;
  readonly field: string | null;
  readonly errors: { field: string; detail: string }[];
  /** Extra members of the problem (e.g. `overlapping_session_id`). */
  readonly extra: Record<string, unknown>;

  constructor(status: number, body: Partial<Problem> | undefined) {
    super(body?.detail ?? body?.title ?? `HTTP ${status}`);
    this.status = status;
    this.type = body?.type ?? "about:blank";
    this.detail = body?.detail ?? body?.title ?? `HTTP ${status}`;
    this.field = body?.field ?? null;
    this.errors = body?.errors ?? [];
    this.extra = { ...(body as Record<string, unknown> | undefined) };
  }

  /** The stable slug at the end of `type` (`/errors/<slug>`). */
  get slug(): string {
    return this.type.split("/errors/")[1] ?? this.type;
  }
}

let csrf: string | null = null;

/** Forget the CSRF token (after signing out or when the server says it is stale). */
export function resetCsrf(): void {
  csrf = null;
}

async function csrfToken(): Promise<string | null> {
  if (csrf) return csrf;
  const res = await fetch("/api/v1/auth/session", { credentials: "same-origin" });
  if (!res.ok) return null;
  const body = (await res.json()) as Schemas["BrowserSessionDto"];
  csrf = body.csrf_token;
  return csrf;
}

const csrfMiddleware: Middleware = {
  async onRequest({ request }) {
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
      const token = await csrfToken();
      if (token) request.headers.set("X-CSRF-Token", token);
    }
    request.headers.set("Accept-Language", document.documentElement.lang || "nl");
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrfMiddleware);

/** The data of an openapi-fetch answer, or a thrown ApiProblem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (e) {
    throw new ApiProblem(0, { detail: navigator.onLine ? String(e) : "offline", type: "/errors/network" });
  }
  const { data, error, response } = result;
  if (!response.ok) {
    if (response.status === 403 && (error as Problem | undefined)?.type?.endsWith("/csrf")) resetCsrf();
    throw new ApiProblem(response.status, error as Partial<Problem> | undefined);
  }
  return data as T;
}

/**
 * POST a file as the raw body (the people import): its type from its name (`.xlsx` is a workbook,
 * anything else CSV), the session's CSRF token, and the answer's problem thrown as an ApiProblem.
 */
export async function postFile<T>(path: string, file: Blob & { name?: string }, query: Record<string, string>): Promise<T> {
  const xlsx = /\.xlsx$/i.test(file.name ?? "");
  const headers: Record<string, string> = {
    "Content-Type": xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv",
    "Accept-Language": document.documentElement.lang || "nl",
  };
  const token = await csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "")).toString();
  let res: Response;
  try {
    res = await fetch(qs ? `${path}?${qs}` : path, { method: "POST", body: file, headers, credentials: "same-origin" });
  } catch (e) {
    throw new ApiProblem(0, { detail: navigator.onLine ? String(e) : "offline", type: "/errors/network" });
  }
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    if (res.status === 403 && (body as Problem | undefined)?.type?.endsWith("/csrf")) resetCsrf();
    throw new ApiProblem(res.status, body as Partial<Problem> | undefined);
  }
  return body as T;
}
