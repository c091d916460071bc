// The Klussenbank's calls: every request of its pages goes through here (queries and mutations),
// so the pages know nothing of paths.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { AssignmentInput, AssignmentPatch, AssignmentQuery, KlusProfile, KlusReflectionInput, PortfolioAssignment } from "../api/klussen";
import type { Schemas } from "../api/client";

const id = (x: string) => ({ path: { id: x } });

export const keys = {
  all: ["klussen"] as const,
  list: (q: AssignmentQuery) => ["klussen", "list", q] as const,
  one: (x: string) => ["klussen", "one", x] as const,
  responses: (x: string) => ["klussen", "responses", x] as const,
  suggestions: (x: string) => ["klussen", "suggestions", x] as const,
  mine: ["klussen", "my-responses"] as const,
  consents: ["klussen", "consents"] as const,
  profile: ["klussen", "profile"] as const,
  figures: (year: number) => ["klussen", "figures", year] as const,
};

export function useAssignments(q: AssignmentQuery) {
  return useQuery({
    queryKey: keys.list(q),
    queryFn: () => unwrap(api.GET("/api/v1/assignments", { params: { query: q } })),
    placeholderData: keepPreviousData,
  });
}

export function useAssignment(x: string | undefined) {
  return useQuery({
    queryKey: keys.one(x ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/assignments/{id}", { params: id(x!) })),
    enabled: !!x,
    retry: false,
  });
}

export function useResponses(x: string, enabled = true) {
  return useQuery({
    queryKey: keys.responses(x),
    queryFn: () => unwrap(api.GET("/api/v1/assignments/{id}/responses", { params: id(x) })),
    enabled,
  });
}

export function useSuggestions(x: string, enabled = true) {
  return useQuery({
    queryKey: keys.suggestions(x),
    queryFn: () => unwrap(api.GET("/api/v1/assignments/{id}/suggestions", { params: id(x) })),
    enabled,
  });
}

export function useMyResponses() {
  return useQuery({
    queryKey: keys.mine,
    queryFn: () => unwrap(api.GET("/api/v1/me/assignment-responses")),
  });
}

export function useConsents() {
  return useQuery({
    queryKey: keys.consents,
    queryFn: () => unwrap(api.GET("/api/v1/me/consents")),
  });
}

export function useKlusProfile() {
  return useQuery({
    queryKey: keys.profile,
    queryFn: () => unwrap(api.GET("/api/v1/me/klus-profile")),
  });
}

export function useFigures(year: number) {
  return useQuery({
    queryKey: keys.figures(year),
    queryFn: () => // Without `format` the answer is JSON (CSV and Excel are downloads).
      unwrap(api.GET("/api/v1/reports/assignments", { params: { query: { year } } })) as Promise<Schemas["Rows_AssignmentFiguresDto"]>,
    staleTime: 60_000,
  });
}

/** Where the figures are downloaded (every organisation the reader may see). */
export function figuresDownload(year: number, format: "csv" | "xlsx"): string {
  return `/api/v1/reports/assignments?year=${year}&format=${format}`;
}

/** The portfolio's done klussen (read from the one portfolio query of "Mijn ontwikkeling"). */
export function portfolioAssignments(portfolio: { assignments?: PortfolioAssignment[] } | undefined): PortfolioAssignment[] {
  return portfolio?.assignments ?? [];
}

// ---- Writes --------------------------------------------------------------------------------

/** After any write: the lists, the klus and the reader's own responses are read again. */
function useRefresh() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: keys.all });
}

export function useCreateAssignment() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AssignmentInput) => unwrap(api.POST("/api/v1/assignments", { body })),
    onSuccess: () => void refresh(),
  });
}

export function useUpdateAssignment(x: string) {
  const qc = useQueryClient();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AssignmentPatch) => unwrap(api.PATCH("/api/v1/assignments/{id}", { params: id(x), body })),
    onSuccess: (a) => {
      qc.setQueryData(keys.one(x), a);
      void refresh();
    },
  });
}

export function useRespond(x: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { motivation: string; skills: string[] }) =>
      unwrap(api.POST("/api/v1/assignments/{id}/responses", { params: id(x), body })),
    onSuccess: () => void refresh(),
  });
}

export function useWithdraw() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (responseId: string) => unwrap(api.POST("/api/v1/assignment-responses/{id}/withdraw", { params: id(responseId) })),
    onSuccess: () => void refresh(),
  });
}

export type Choice = "invite" | "select" | "decline";
const CHOICE_PATHS = {
  invite: "/api/v1/assignment-responses/{id}/invite",
  select: "/api/v1/assignment-responses/{id}/select",
  decline: "/api/v1/assignment-responses/{id}/decline",
} as const;

export function useChoose() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ responseId, choice, message }: { responseId: string; choice: Choice; message: string }) =>
      unwrap(api.POST(CHOICE_PATHS[choice], { params: id(responseId), body: { message: message.trim() || null } })),
    onSuccess: () => void refresh(),
  });
}

export function useConsent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ selectionId, decision, reason }: { selectionId: string; decision: "approve" | "decline"; reason: string }) =>
      unwrap(api.POST("/api/v1/assignment-selections/{id}/consent", {
        params: id(selectionId),
        body: { decision, reason: reason.trim() || null },
      })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useSaveProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: KlusProfile) => unwrap(api.PUT("/api/v1/me/klus-profile", { body })),
    onSuccess: (p) => qc.setQueryData(keys.profile, p),
  });
}

export function useSaveKlusReflection(selectionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: KlusReflectionInput) =>
      unwrap(api.PUT("/api/v1/assignment-selections/{id}/reflection", { params: id(selectionId), body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["portfolio"] }),
  });
}

export function useRemoveKlusReflection(selectionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/assignment-selections/{id}/reflection", { params: id(selectionId) })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["portfolio"] }),
  });
}
