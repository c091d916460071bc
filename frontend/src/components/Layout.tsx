// The frame of every page: skip link, header with navigation and language choice, main, footer.
// After a route change the focus moves to the page's heading, so screen readers announce it.
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { hasRole, useMe, useSignOut } from "../hooks/session";
import { setLanguage, type Language } from "../i18n";

export function usePageTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Leerweek`;
  }, [title]);
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const location = useLocation();
  const first = useRef(true);

  // On a new page, focus its heading once it is there (pages show a loading state first).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById("inhoud");
    if (!main) return;
    const focus = () => {
      const h1 = main.querySelector<HTMLElement>("h1");
      if (!h1) return false;
      h1.setAttribute("tabindex", "-1");
      h1.focus();
      return true;
    };
    if (focus()) return;
    const observer = new MutationObserver(() => {
      if (focus()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const stop = setTimeout(() => observer.disconnect(), 5000);
    return () => {
      observer.disconnect();
      clearTimeout(stop);
    };
  }, [location.pathname]);

  // Until we know who this is, show nothing that would move once the navigation appears
  // (a layout shift): the check takes a few milliseconds.
  if (me.isPending) {
    return (
      <p role="status" className="lw-visually-hidden">
        {t("state.loading")}
      </p>
    );
  }

  const person = me.data;
  const other: Language = i18n.language === "en" ? "nl" : "en";
  // The Klussenbank and posting a klus share the address `/klussen/…`: each is current on its own part.
  const posting = location.pathname === "/klussen/nieuw";
  const links: { to: string; label: string; show: boolean; end: boolean; current?: boolean }[] = [
    { to: "/", label: t("nav.programme"), show: true, end: true },
    { to: "/mijn-week", label: t("nav.myWeek"), show: !!person, end: false },
    { to: "/mijn-ontwikkeling", label: t("nav.development"), show: !!person, end: false },
    { to: "/klussen", label: t("nav.klussen"), show: !!person, end: false, current: location.pathname.startsWith("/klussen") && !posting },
    { to: "/klussen/nieuw", label: t("nav.postKlus"), show: hasRole(person, "organiser", "manager", "admin"), end: true, current: posting },
    { to: "/organiseren", label: t("nav.organise"), show: hasRole(person, "organiser", "admin"), end: false },
    { to: "/rapportages", label: t("nav.reports"), show: hasRole(person, "manager", "organiser", "admin"), end: false },
    { to: "/goedkeuren", label: t("nav.approvals"), show: hasRole(person, "manager", "organiser", "admin"), end: false },
    { to: "/beheer", label: t("nav.admin"), show: hasRole(person, "admin"), end: false },
    { to: "/profiel", label: t("nav.profile"), show: !!person, end: false },
  ];

  return (
    <>
      <a className="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">
        {t("nav.skip")}
      </a>
      <header className="lw-header">
        <div className="lw-header__inner">
          <NavLink to="/" className="lw-brand" aria-label={t("nav.home")}>
            <span aria-hidden="true" className="lw-brand__mark">L</span>
            <span className="lw-brand__name">Leerweek</span>
          </NavLink>
          <nav aria-label={t("nav.main")} className="lw-nav">
            <ul>
              {links
                .filter((l) => l.show)
                .map((l) => (
                  <li key={l.to}>
                    {l.current === undefined ? (
                      <NavLink to={l.to} end={l.end} className={({ isActive }) => (isActive ? "lw-nav__link lw-nav__link--current" : "lw-nav__link")}>
                        {l.label}
                      </NavLink>
                    ) : (
                      <Link to={l.to} aria-current={l.current ? "page" : undefined} className={l.current ? "lw-nav__link lw-nav__link--current" : "lw-nav__link"}>
                        {l.label}
                      </Link>
                    )}
                  </li>
                ))}
            </ul>
          </nav>
          <div className="lw-header__tools">
            <button
              type="button"
              className="utrecht-button utrecht-button--subtle lw-lang"
              lang={other}
              onClick={() => setLanguage(other)}
            >
              {other === "en" ? "English" : "Nederlands"}
            </button>
            {person ? (
              <>
                <span className="lw-header__who">{person.name}</span>
                <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => void signOut()}>
                  {t("nav.signOut")}
                </button>
              </>
            ) : me.isSuccess ? (
              <NavLink to="/inloggen" className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action">
                {t("nav.signIn")}
              </NavLink>
            ) : null}
          </div>
        </div>
      </header>
      <main id="inhoud" className="lw-main">
        <Outlet />
      </main>
      <footer className="lw-footer">
        <p>{t("footer.text")}</p>
      </footer>
    </>
  );
}
