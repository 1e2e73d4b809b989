/**
 * Browser tests of the web UI: a gateway started in this process (serving the built UI
 * from dist/ui, so `npm run build` first — `npm test` does), the OpenAI-wire mock as its
 * upstream, and Debian's Chromium driven by playwright-core. No browser is downloaded:
 * `.ci/run` installs the `chromium` package; TESSERA_CHROMIUM points elsewhere.
 *
 * TESSERA_UI_DIR serves a UI built elsewhere (`TESSERA_UI_OUT=/tmp/x npx vite build
 * --config src/ui/vite.config.ts`), so several builds can be tested side by side.
 *
 * `shoot(page, name)` saves the page in the light and the dark theme. Screenshots go to a
 * temporary folder unless TESSERA_SCREENSHOTS=1, which writes docs/screenshots/ (then
 * commit them): a normal test run leaves the checkout unchanged.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { REPO, tempDir } from "../helpers/gateway-process.js";

export const ADMIN_TOKEN = "ui-test-admin-token-0123456789";
/** The plaintext key the test endpoints send upstream; no page may ever show it. */
export const UPSTREAM_KEY = "sk-ui-test-upstream-key-0042";

const CHROMIUM = process.env["TESSERA_CHROMIUM"] ?? "/usr/bin/chromium";
const SHOTS = process.env["TESSERA_SCREENSHOTS"] === "1" ? join(REPO, "docs/screenshots") : tempDir("tessera-shots-");

export interface UiHarness {
  /** The gateway's base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  mock: MockServer;
  /** An admin API client for set-up and for checking what the UI did. */
  api: Client;
  browser: Browser;
  /** A fresh browser context (its own session storage) with one page, 1280×800. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium, as .ci/run does) or set TESSERA_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export async function startUiHarness(): Promise<UiHarness> {
  const uiDir = process.env["TESSERA_UI_DIR"] ?? resolve(REPO, "dist/ui");
  if (!existsSync(join(uiDir, "index.html"))) throw new Error(`${uiDir} is not built: run \`npm run build\` first.`);
  const mock = await startMockOpenAIWire();
  let rt: Runtime | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  try {
    rt = await startRuntime({
      port: 0,
      dataDir: tempDir("tessera-ui-"),
      env: { TESSERA_ADMIN_TOKEN: ADMIN_TOKEN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300", TESSERA_UI_DIR: uiDir },
    });
    browser = await launchChromium();
    const b = browser;
    const runtime = rt;
    return {
      url: rt.url,
      mock,
      api: new Client(rt.url, bearer(ADMIN_TOKEN)),
      browser,
      async newPage() {
        const ctx = await b.newContext({ viewport: { width: 1280, height: 800 }, baseURL: runtime.url });
        contexts.push(ctx);
        return ctx.newPage();
      },
      async close() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await b.close();
        await runtime.close();
        await mock.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await rt?.close();
    await mock.close();
    throw err;
  }
}

/** Signs in through the sign-in page with `token` (the admin's by default) and waits for the endpoints page. */
export async function signIn(page: Page, token = ADMIN_TOKEN): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Personal access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/endpoints$/);
}

/** The create-endpoint body of a chat endpoint served by the mock (plaintext key, stored encrypted). */
export function mockChatEndpoint(name: string, mockUrl: string, model = "gpt-mock"): object {
  return {
    name,
    config: {
      served_entities: [
        { external_model: { name: model, provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mockUrl}/v1`, openai_api_key_plaintext: UPSTREAM_KEY } } },
      ],
    },
  };
}

/**
 * Saves `docs/screenshots/<name>-light.png` and `<name>-dark.png` (or the temporary
 * folder's): the page is shown with the system theme emulated both ways.
 */
export async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
    await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`), fullPage: opts.fullPage ?? false, animations: "disabled" });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/**
 * Evaluates a JavaScript expression in the page. Tests pass code as a string so that
 * their own type-check needs no DOM types (which would clash with Node's).
 */
export async function inPage(page: Page, expression: string): Promise<unknown> {
  return page.evaluate(expression);
}

/**
 * A control's value once it equals `expected`, or its last value after `timeoutMs`: for
 * values a page sets after loading (a select chosen once the list arrives), so the test's
 * own assertion compares a settled value rather than a half-rendered one.
 */
export async function settledValue(control: Locator, expected: string, timeoutMs = 5000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await control.inputValue();
    if (v === expected || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asserts (by throwing) that the page's text and form values hold none of `secrets`. */
export async function assertNoSecrets(page: Page, secrets: string[] = [UPSTREAM_KEY, ADMIN_TOKEN]): Promise<void> {
  const text = String(await page.evaluate(`document.body.innerText + "\\n" + [...document.querySelectorAll("input, textarea")].map((e) => e.value).join("\\n")`));
  for (const s of secrets) if (text.includes(s)) throw new Error(`the page shows a secret (${s.slice(0, 6)}…)`);
}
