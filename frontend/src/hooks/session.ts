// Who is signed in (null: nobody), and what they may do.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem, resetCsrf, unwrap, type Schemas } from "../api/client";

export type Me = Schemas["MeDto"];

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async (): Promise<Me | null> => {
      try {
        return await unwrap(api.GET("/api/v1/me"));
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function hasRole(me: Me | null | undefined, ...roles: string[]): boolean {
  return !!me && me.roles.some((r) => roles.includes(r));
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    try {
      await unwrap(api.DELETE("/api/v1/auth/session"));
    } finally {
      resetCsrf();
      qc.clear();
      window.location.assign("/");
    }
  };
}
