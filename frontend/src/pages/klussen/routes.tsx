// The Klussenbank's pages, mounted by App for everyone signed in (posting: organisers, managers
// and admins). Each loads only when opened, so none of this adds to the first download.
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "../../components/States";

const KlussenList = lazy(() => import("./KlussenList"));
const MyResponses = lazy(() => import("./MyResponses"));
const Settings = lazy(() => import("./Settings"));
const KlusPage = lazy(() => import("./KlusPage"));
const Responses = lazy(() => import("./Responses"));
const NewKlus = lazy(() => import("./KlusForm").then((m) => ({ default: m.NewKlus })));
const EditKlus = lazy(() => import("./KlusForm").then((m) => ({ default: m.EditKlus })));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

export const POSTERS = ["organiser", "manager", "admin"];

export const klussenRoutes: { path: string; element: ReactNode; roles?: string[] }[] = [
  { path: "klussen", element: page(<KlussenList />) },
  { path: "klussen/beheer", element: page(<KlussenList managed />) },
  { path: "klussen/mijn-reacties", element: page(<MyResponses />) },
  { path: "klussen/instellingen", element: page(<Settings />) },
  { path: "klussen/nieuw", element: page(<NewKlus />), roles: POSTERS },
  { path: "klussen/:id", element: page(<KlusPage />) },
  { path: "klussen/:id/bewerken", element: page(<EditKlus />) },
  { path: "klussen/:id/reacties", element: page(<Responses />) },
];
