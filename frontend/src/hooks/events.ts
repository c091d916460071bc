// The events someone can see, and the one the app shows: the published week that is on now or
// next (the `?week=` in the address picks another).
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../api/client";

export type Event = Schemas["EventDto"];

export function useEvents(enabled = true) {
  return useQuery({
    queryKey: ["events"],
    queryFn: () => unwrap(api.GET("/api/v1/events")),
    enabled,
    staleTime: 60_000,
  });
}

/** The week to show: `?week=<id>` if it exists, else the published one ending soonest from today. */
export function pickEvent(events: Event[], wanted: string | null, today = new Date()): Event | undefined {
  if (wanted) {
    const e = events.find((x) => x.id === wanted);
    if (e) return e;
  }
  const day = today.toISOString().slice(0, 10);
  const visible = events.filter((e) => e.status === "published" || e.status === "closed");
  const upcoming = visible.filter((e) => e.ends_on >= day).sort((a, b) => a.starts_on.localeCompare(b.starts_on));
  const past = visible.filter((e) => e.ends_on < day).sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  return upcoming[0] ?? past[0];
}

export function useCurrentEvent() {
  const [params] = useSearchParams();
  const events = useEvents();
  const event = events.data ? pickEvent(events.data, params.get("week")) : undefined;
  return { ...events, event };
}
