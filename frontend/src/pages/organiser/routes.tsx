// The organiser's screens, mounted by App (organisers and admins only). Each page loads only
// when opened, so none of this adds to an employee's first download.
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "../../components/States";

const Overview = lazy(() => import("./Overview"));
const EventPage = lazy(() => import("./EventPage"));
const WorkshopPage = lazy(() => import("./WorkshopPage"));
const SessionAdmin = lazy(() => import("./SessionAdmin"));
const CheckIn = lazy(() => import("./CheckIn"));

const page = (node: ReactNode) => (
  <div className="lw-org">
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </div>
);

export const organiserRoutes: { path: string; element: ReactNode }[] = [
  { path: "organiseren", element: page(<Overview />) },
  { path: "organiseren/weken/:id", element: page(<EventPage />) },
  { path: "organiseren/workshops/:id", element: page(<WorkshopPage />) },
  { path: "organiseren/sessies/:id", element: page(<SessionAdmin />) },
  { path: "organiseren/sessies/:id/aanmelden", element: page(<CheckIn />) },
];
