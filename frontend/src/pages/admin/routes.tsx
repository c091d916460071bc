// The console's screens (/beheer), mounted by App for admins only. Each page loads only when
// opened, so none of this adds to an employee's first download. A new part adds its page here
// and its entry in ./sections.ts.
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "../../components/States";

const Console = lazy(() => import("./Console"));
const PeopleImport = lazy(() => import("./PeopleImport"));

const page = (node: ReactNode) => (
  <div className="lw-admin">
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </div>
);

export const adminRoutes: { path: string; element: ReactNode }[] = [
  { path: "beheer", element: page(<Console />) },
  { path: "beheer/import", element: page(<PeopleImport />) },
];
