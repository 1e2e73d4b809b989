/**
 * The web UI: the static files Vite built into `dist/ui`, served without a token (the
 * pages themselves call the API with the user's token). Hashed assets are cached for a
 * year; `index.html` is never cached and answers every page path of the single-page app,
 * so a reload or a shared link to `/endpoints/chat` works.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/** The page paths of the app (see src/ui/app/routes.tsx); none collides with an API path. */
export const UI_PAGES = ["/", "/signin", "/endpoints", "/endpoints/*", "/playground", "/usage", "/secrets"];
const ASSETS = "/assets/";

/** Where `npm run build` puts the UI, from both `src/server/routes` (tsx) and `dist/server/routes`. */
export function defaultUiDir(): string {
  return resolve(import.meta.dirname, "../../../dist/ui");
}

/** Same-origin only: the UI talks to its own gateway, renders no third-party content, and is never framed. */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** True for the paths the UI serves without a token. */
export function isUiPath(path: string): boolean {
  if (path.startsWith(ASSETS)) return true;
  return UI_PAGES.some((p) => (p.endsWith("/*") ? path.startsWith(p.slice(0, -1)) : path === p));
}

export function uiRoutes(app: FastifyInstance, dir: string): void {
  const indexPath = join(dir, "index.html");
  const built = existsSync(indexPath);
  const index = built ? readFileSync(indexPath) : undefined;
  const sendIndex = (reply: FastifyReply) => {
    if (!index) {
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send("The Tessera web UI is not built. Run `npm run build` (or `npm start`), then reload.\n");
    }
    return reply.headers({ ...SECURITY_HEADERS, "cache-control": "no-cache" }).type("text/html; charset=utf-8").send(index);
  };
  for (const page of UI_PAGES) app.get(page, (_req, reply) => sendIndex(reply));
  if (!built) return;
  void app.register(fastifyStatic, {
    root: join(dir, "assets"),
    prefix: ASSETS,
    immutable: true,
    maxAge: "365d",
    index: false,
    setHeaders: (reply) => void reply.headers(SECURITY_HEADERS),
  });
}
