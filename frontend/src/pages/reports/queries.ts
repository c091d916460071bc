// The reports' data, one query per report (and page).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { PER_PAGE } from "./model";

const STALE = 60_000;
const path = (id: string) => ({ path: { id } });

// Each report also answers CSV and Excel, so the generated type of its data includes `string`;
// without `?format=` the answer is always JSON.
type Json<K extends keyof Schemas> = Promise<Schemas[K]>;

export function useParticipation(eventId: string) {
  return useQuery({
    queryKey: ["reports", eventId, "participation"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/events/{id}/reports/participation", { params: path(eventId) })) as Json<"Rows_ParticipationDto">,
    staleTime: STALE,
  });
}

export function usePeople(eventId: string, page: number) {
  return useQuery({
    queryKey: ["reports", eventId, "people", page],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/events/{id}/reports/people", {
          params: { ...path(eventId), query: { page, per_page: PER_PAGE } },
        }),
      ) as Json<"Page_PersonWeekDto">,
    staleTime: STALE,
    placeholderData: keepPreviousData,
  });
}

export function useReach(eventId: string, page: number) {
  return useQuery({
    queryKey: ["reports", eventId, "reach", page],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/events/{id}/reports/reach", {
          params: { ...path(eventId), query: { page, per_page: PER_PAGE } },
        }),
      ) as Json<"Page_ReachDto">,
    staleTime: STALE,
    placeholderData: keepPreviousData,
  });
}

export function useSessionsReport(eventId: string) {
  return useQuery({
    queryKey: ["reports", eventId, "sessions"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/events/{id}/reports/sessions", { params: path(eventId) })) as Json<"Rows_SessionReportDto">,
    staleTime: STALE,
  });
}

export function useMix(eventId: string) {
  return useQuery({
    queryKey: ["reports", eventId, "mix"],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/reports/mix", { params: path(eventId) })) as Json<"Rows_MixDto">,
    staleTime: STALE,
  });
}
