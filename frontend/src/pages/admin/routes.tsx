// The console's screens (/beheer), mounted by App for admins only. Each page loads only when
// opened, so none of this adds to an employee's first download. A new part adds its page here
// and its entry in ./sections.ts. Every page shows the warning when mail has been failing.
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "../../components/States";

const Console = lazy(() => import("./Console"));
const Organisations = lazy(() => import("./Organisations"));
const OrganisationPage = lazy(() => import("./OrganisationPage"));
const PersonPage = lazy(() => import("./PersonPage"));
const SignInSettings = lazy(() => import("./SignInSettings"));
const Mail = lazy(() => import("./Mail"));
const Audit = lazy(() => import("./Audit"));
const Privacy = lazy(() => import("./Privacy"));
const Banner = lazy(() => import("./shared").then((m) => ({ default: m.MailBanner })));
const PeopleImport = lazy(() => import("./PeopleImport"));
const Skills = lazy(() => import("./Skills"));
const SkillPage = lazy(() => import("./SkillPage"));

const page = (node: ReactNode) => (
  <div className="lw-admin">
    <Suspense fallback={<Loading />}>
      <Banner />
      {node}
    </Suspense>
  </div>
);

export const adminRoutes: { path: string; element: ReactNode }[] = [
  { path: "beheer", element: page(<Console />) },
  { path: "beheer/organisaties", element: page(<Organisations />) },
  { path: "beheer/organisaties/:id", element: page(<OrganisationPage />) },
  { path: "beheer/organisaties/:id/inloggen", element: page(<SignInSettings />) },
  { path: "beheer/mensen/:id", element: page(<PersonPage />) },
  { path: "beheer/mail", element: page(<Mail />) },
  { path: "beheer/audit", element: page(<Audit />) },
  { path: "beheer/privacy", element: page(<Privacy />) },
  { path: "beheer/import", element: page(<PeopleImport />) },
  { path: "beheer/vaardigheden", element: page(<Skills />) },
  { path: "beheer/vaardigheden/:id", element: page(<SkillPage />) },
];
