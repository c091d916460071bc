// The signed-in person's portfolio (one query for every section of "Mijn ontwikkeling"), a
// report's portfolio for their manager, and the certificates of a session for its organiser.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, unwrap } from "../api/client";

export function usePortfolio() {
  return useQuery({
    queryKey: ["portfolio"],
    queryFn: () => unwrap(api.GET("/api/v1/me/portfolio")),
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
