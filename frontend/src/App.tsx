// Routes. Pages that need a signed-in person show the sign-in page instead; role-bound pages
// explain who may use them. The reports (with the chart library) load only when opened.
import { Heading1, Paragraph } from "@utrecht/component-library-react";
import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, Link, RouterProvider } from "react-router";
import { Layout, usePageTitle } from "./components/Layout";
import { Loading, ProblemAlert } from "./components/States";
import { hasRole, useMe } from "./hooks/session";
import { MyWeek } from "./pages/MyWeek";
import { Preferences } from "./pages/Preferences";
import { Approvals } from "./pages/Approvals";
import { adminRoutes } from "./pages/admin/routes";
import { klussenRoutes } from "./pages/klussen/routes";
import { organiserRoutes } from "./pages/organiser/routes";
import { Programme } from "./pages/Programme";
import { SessionPage } from "./pages/SessionPage";
import { SignIn } from "./pages/SignIn";

const Reports = lazy(() => import("./pages/reports/Reports"));
const Setup = lazy(() => import("./pages/admin/Setup"));
const Profile = lazy(() => import("./pages/Profile"));
const MyDevelopment = lazy(() => import("./pages/development/MyDevelopment"));
const ReportDevelopment = lazy(() => import("./pages/development/ReportDevelopment"));

export function RequireSignIn({ children, roles }: { children: ReactNode; roles?: string[] }) {
  const me = useMe();
  const { t } = useTranslation();
  if (me.isPending) return <Loading />;
  if (me.error) return <ProblemAlert error={me.error} />;
  if (!me.data) return <SignIn />;
  if (roles && !hasRole(me.data, ...roles)) {
    return (
      <>
        <Heading1>{t("forbidden.title")}</Heading1>
        <Paragraph>{t("forbidden.text")}</Paragraph>
        <Paragraph><Link to="/">{t("notFound.home")}</Link></Paragraph>
      </>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <>
      <Heading1>{t("notFound.title")}</Heading1>
      <Paragraph>{t("notFound.text")}</Paragraph>
      <Paragraph><Link to="/">{t("notFound.home")}</Link></Paragraph>
    </>
  );
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <RequireSignIn><Programme /></RequireSignIn> },
      { path: "inloggen", element: <SignIn /> },
      { path: "inrichten", element: <Suspense fallback={<Loading />}><Setup /></Suspense> },
      { path: "sessies/:id", element: <RequireSignIn><SessionPage /></RequireSignIn> },
      { path: "mijn-week", element: <RequireSignIn><MyWeek /></RequireSignIn> },
      {
        path: "mijn-ontwikkeling",
        element: (
          <RequireSignIn>
            <Suspense fallback={<Loading />}><MyDevelopment /></Suspense>
          </RequireSignIn>
        ),
      },
      {
        path: "mensen/:id/ontwikkeling",
        element: (
          <RequireSignIn roles={["manager"]}>
            <Suspense fallback={<Loading />}><ReportDevelopment /></Suspense>
          </RequireSignIn>
        ),
      },
      { path: "voorkeuren", element: <RequireSignIn><Preferences /></RequireSignIn> },
      { path: "goedkeuren", element: <RequireSignIn><Approvals /></RequireSignIn> },
      {
        path: "profiel",
        element: (
          <RequireSignIn>
            <Suspense fallback={<Loading />}><Profile /></Suspense>
          </RequireSignIn>
        ),
      },
      ...klussenRoutes.map((r) => ({
        path: r.path,
        element: <RequireSignIn roles={r.roles}>{r.element}</RequireSignIn>,
      })),
      ...organiserRoutes.map((r) => ({
        path: r.path,
        element: <RequireSignIn roles={["organiser", "admin"]}>{r.element}</RequireSignIn>,
      })),
      ...adminRoutes.map((r) => ({
        path: r.path,
        element: <RequireSignIn roles={["admin"]}>{r.element}</RequireSignIn>,
      })),
      {
        path: "rapportages",
        element: (
          <RequireSignIn roles={["manager", "organiser", "admin"]}>
            <Suspense fallback={<Loading />}><Reports /></Suspense>
          </RequireSignIn>
        ),
      },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
