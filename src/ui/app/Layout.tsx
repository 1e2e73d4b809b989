/** The frame of every signed-in page: the navigation, the user, the theme switch, sign-out. */
import { NavLink, Outlet } from "react-router";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Me } from "../api/types";
import { session, useSession } from "../auth/session";
import { applyTheme, storedTheme, type Theme } from "./theme";

const NAV = [
  { to: "/endpoints", label: "Serving" },
  { to: "/playground", label: "Playground" },
  { to: "/usage", label: "Usage" },
  { to: "/secrets", label: "Secrets" },
];

const NEXT_THEME: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };

export function Layout() {
  const s = useSession();
  const [theme, setTheme] = useState<Theme>(storedTheme());
  // Checks the token on every load and every minute: an expired or revoked token ends the
  // session (the API client signs out on 401) even on a page that makes no other call.
  useQuery({ queryKey: ["me"], queryFn: () => api<Me>("GET", "/api/2.0/preview/scim/v2/Me"), refetchInterval: 60_000 });
  const cycle = () => {
    const next = NEXT_THEME[theme];
    applyTheme(next);
    setTheme(next);
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Tessera
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
                  {n.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <button type="button" className="btn btn-ghost btn-small" onClick={cycle} aria-label={`Theme: ${theme}. Change theme`} title="Change theme">
            Theme: {theme}
          </button>
          <div className="user" title={s?.user}>
            {s?.user}
          </div>
          <button type="button" className="btn btn-small" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
