// The signed-in person's portfolio (one query for every section of "Mijn ontwikkeling"), the
// reflection on a session in it, a report's portfolio for their manager, and the certificates of
// a session for its organiser.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, unwrap, type Schemas } from "../api/client";

type Portfolio = Schemas["PortfolioDto"];
type Reflection = Schemas["ReflectionDto"];

export function usePortfolio() {
  return useQuery({
    queryKey: ["portfolio"],
    queryFn: () => unwrap(api.GET("/api/v1/me/portfolio")),
  });
}

/** Put a session's reflection (or none) into the portfolio as it is, without reading it again. */
function useKeepReflection(enrolmentId: string) {
  const qc = useQueryClient();
  return (r: Reflection | null) =>
    qc.setQueryData<Portfolio>(["portfolio"], (p) =>
      p && { ...p, sessions: p.sessions.map((x) => (x.enrolment_id === enrolmentId ? { ...x, reflection: r } : x)) },
    );
}

export function useSaveReflection(enrolmentId: string) {
  const keep = useKeepReflection(enrolmentId);
  return useMutation({
    mutationFn: (body: Schemas["ReflectionBody"]) =>
      unwrap(api.PUT("/api/v1/enrolments/{id}/reflection", { params: { path: { id: enrolmentId } }, body })),
    onSuccess: (r) => keep(r),
  });
}

export function useRemoveReflection(enrolmentId: string) {
  const keep = useKeepReflection(enrolmentId);
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/enrolments/{id}/reflection", { params: { path: { id: enrolmentId } } })),
    onSuccess: () => keep(null),
  });
}

export function useReportPortfolio(personId: string) {
  return useQuery({
    queryKey: ["portfolio", "person", personId],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}/portfolio", { params: { path: { id: personId } } })),
    retry: false,
  });
}

export function useSessionCertificates(sessionId: string, enabled = true) {
  return useQuery({
    queryKey: ["certificates", sessionId],
    queryFn: () => unwrap(api.GET("/api/v1/sessions/{id}/certificates", { params: { path: { id: sessionId } } })),
    enabled,
  });
}

/**
 * After a plain download link was followed (the browser fetches it; the server issues a
 * certificate on the first one), read `key` again a moment later, and once more, so the new
 * code shows without a reload.
 */
export function useRefreshAfterDownload(key: readonly unknown[]) {
  const qc = useQueryClient();
  const timers = useRef<number[]>([]);
  useEffect(() => () => timers.current.forEach((t) => clearTimeout(t)), []);
  return () => {
    for (const ms of [1500, 4000]) {
      timers.current.push(window.setTimeout(() => void qc.invalidateQueries({ queryKey: key }), ms));
    }
  };
}
