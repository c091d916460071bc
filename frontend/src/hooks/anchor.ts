// Landing on an item from a mail's link: `/mijn-ontwikkeling#reflectie-{enrolment_id}` or
// `#klus-{selection_id}`. Once the list is there, the page scrolls to the item and puts the
// focus on it (its heading, which has tabIndex -1), once per address.
import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

/**
 * Once `ready` (the items are rendered), scroll to the element the location hash points at and
 * focus it. `anchored` reads the item's id from the hash (null: not one of ours), `anchor` gives
 * the element's id for it; pass functions that do not change between renders.
 */
export function useFocusAnchor(ready: boolean, anchored: (hash: string) => string | null, anchor: (id: string) => string) {
  const { hash } = useLocation();
  const done = useRef<string | null>(null);
  useEffect(() => {
    const id = anchored(hash);
    if (!ready || !id || done.current === hash) return;
    const el = document.getElementById(anchor(id));
    if (!el) return;
    done.current = hash;
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  }, [ready, hash, anchored, anchor]);
}
