/**
 * Routes of the single-page app. Every page but sign-in needs a session; without one the
 * user is sent to sign-in and comes back where they were. The page paths are mirrored by
 * `UI_PAGES` in src/server/routes/ui.ts (the server answers them with index.html).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import { SignInPage } from "../auth/SignInPage";
import { useSession } from "../auth/session";
import { Layout } from "./Layout";
import { EndpointsPage } from "../pages/endpoints/EndpointsPage";
import { EndpointPage } from "../pages/endpoints/EndpointPage";
import { CreateEndpointPage } from "../pages/endpoints/CreateEndpointPage";
import { PlaygroundPage } from "../pages/playground/PlaygroundPage";
import { UsagePage } from "../pages/usage/UsagePage";
import { SecretsPage } from "../pages/secrets/SecretsPage";
import { NotFoundPage } from "./NotFoundPage";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are final; only network trouble and 5xx are worth one retry.
      retry: (count, err) => count < 1 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

function RequireSession({ children }: { children: ReactNode }) {
  const s = useSession();
  const location = useLocation();
  if (!s) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/signin" element={<SignInPage />} />
          <Route
            element={
              <RequireSession>
                <Layout />
              </RequireSession>
            }
          >
            <Route index element={<Navigate to="/endpoints" replace />} />
            <Route path="/endpoints" element={<EndpointsPage />} />
            <Route path="/endpoints/new" element={<CreateEndpointPage />} />
            <Route path="/endpoints/:name" element={<EndpointPage />} />
            <Route path="/playground" element={<PlaygroundPage />} />
            <Route path="/usage" element={<UsagePage />} />
            <Route path="/secrets" element={<SecretsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
