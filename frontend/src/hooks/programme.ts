// The programme of a week with live seat counts (refreshed every 15 s while the page is open,
// and right after an enrolment of one's own), and the signed-in person's own agenda.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type ProgrammeItem = Schemas["ProgrammeItemDto"];
export type AgendaItem = Schemas["AgendaItemDto"];

export interface ProgrammeFilters {
  day?: string;
  theme?: string;
  organisation_id?: string;
  format?: string;
  skill?: string;
  q?: string;
  available?: boolean;
}

export function useProgramme(eventId: string | undefined, filters: ProgrammeFilters = {}) {
  return useQuery({
    queryKey: ["programme", eventId, filters],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/events/{id}/programme", {
          params: { path: { id: eventId! }, query: { ...filters, available: filters.available || undefined } },
        }),
      ),
    enabled: !!eventId,
    refetchInterval: 15_000,
    placeholderData: (previous) => previous,
  });
}

export function useThemes(eventId: string | undefined) {
  return useQuery({
    queryKey: ["themes", eventId],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/themes", { params: { path: { id: eventId! } } })),
    enabled: !!eventId,
    staleTime: 300_000,
  });
}

export function useAgenda(enabled = true) {
  return useQuery({
    queryKey: ["agenda"],
    queryFn: () => unwrap(api.GET("/api/v1/me/enrolments")),
    enabled,
  });
}

/** The person's active enrolment per session. */
export function bySession(items: AgendaItem[] | undefined): Map<string, AgendaItem> {
  return new Map((items ?? []).filter((i) => i.status !== "cancelled").map((i) => [i.session_id, i]));
}
