// Every organisation (a short list, cached for five minutes): names for ids.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

export function useOrganisations() {
  return useQuery({
    queryKey: ["organisations"],
    queryFn: () => unwrap(api.GET("/api/v1/organisations")),
    staleTime: 300_000,
  });
}
