// The installation's skills (with how many workshops and people use each; cached for a minute)
// and the signed-in person's own skills with their self-ratings.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

export function useSkills(q = "") {
  return useQuery({
    queryKey: ["skills", q],
    queryFn: () => unwrap(api.GET("/api/v1/skills", { params: { query: q ? { q } : {} } })),
    staleTime: 60_000,
  });
}

export function useMySkills() {
  return useQuery({
    queryKey: ["my-skills"],
    queryFn: () => unwrap(api.GET("/api/v1/me/skills")),
  });
}
