// What the browser journeys (console-journey.mjs, inventory-journey.mjs) share: their settings, step logging, the
// page watcher that collects problems, logging in, launching Chromium and reporting a failure.
//
// Importing this module reads BASE_URL and SCREENSHOT_DIR from the environment: it exits with status 2 when
// BASE_URL is not set, and creates SCREENSHOT_DIR.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || "screenshots";
export const PASSWORD = "tanji-demo-2026";
export const STEP_TIMEOUT = 15_000;

if (!BASE_URL) {
  console.error("BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:8080)");
  process.exit(2);
}
mkdirSync(SCREENSHOT_DIR, { recursive: true });

let stepName = "start";
export function step(name) {
  stepName = name;
  console.log(`\n▶ ${name}`);
}
export function ok(message) {
  console.log(`  ✓ ${message}`);
}
export function note(message) {
  console.log(`  ! ${message}`);
}

/** The path (and query) of the page's current URL. */
export function pathOf(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Collapses whitespace. */
export function squash(text) {
  return (text || "").replace(/\s+/g, " ").trim();
}

// Chromium logs every 4xx answer to a fetch as a console error; the refused duplicate facility (409) and validation
// errors or refused imports (422) are expected answers that htmx swaps in, so they are not problems.
export const EXPECTED_CONSOLE_ERROR = /Failed to load resource: the server responded with a status of (409|422)\b/;

/**
 * Sets the page's time limits and collects what the console should never have: uncaught JavaScript errors, console
 * errors (CSP violations show up there), server errors and missing assets. The journey fails on them at the end.
 *
 * With `failOnDialogs`, a dialog is a problem too unless the journey has set `page.expectedDialog = true`; expected
 * dialogs are accepted and their messages collected in `page.seenDialogs`. Without it, Playwright's default applies
 * (dialogs are dismissed silently).
 */
export function watch(page, problems, { failOnDialogs = false } = {}) {
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.setDefaultNavigationTimeout(30_000);
  page.on("pageerror", (error) => problems.push(`uncaught JavaScript error on ${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !EXPECTED_CONSOLE_ERROR.test(message.text())) {
      problems.push(`console error on ${page.url()}: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const url = response.url();
    if (!url.startsWith(BASE_URL)) return;
    const status = response.status();
    if (status >= 500 || (status === 404 && new URL(url).pathname.startsWith("/assets/"))) {
      problems.push(`HTTP ${status} from ${response.request().method()} ${url}`);
    }
  });
  if (failOnDialogs) {
    // An unexpected confirm() would otherwise be dismissed silently and the form not sent: fail loudly instead.
    page.on("dialog", (dialog) => {
      if (!page.expectedDialog) {
        problems.push(`unexpected ${dialog.type()} dialog on ${page.url()}: ${dialog.message()}`);
        dialog.dismiss().catch(() => {});
        return;
      }
      page.seenDialogs.push(dialog.message());
      dialog.accept().catch(() => {});
    });
    page.expectedDialog = false;
    page.seenDialogs = [];
  }
  return page;
}

export async function logIn(page, email) {
  await page.goto(`${BASE_URL}/login`);
  await page.fill('form[action="/login"] input[name="email"]', email);
  await page.fill('form[action="/login"] input[name="password"]', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname === "/console", { waitUntil: "load" }),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

/** Launches headless Chromium ($CHROMIUM, or /usr/bin/chromium). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The journey's last check: nothing was collected by watch() along the way. */
export function assertNoProblems(problems) {
  assert.equal(problems.length, 0, `the console had ${problems.length} problem(s) along the way:\n${problems.map((p) => `! ${p}`).join("\n")}`);
}

/**
 * Reports a failed journey: the step it failed in and why, the problems noticed before (unless it failed in
 * `finalStep`, the step that lists them anyway), and a screenshot of `page` saved as SCREENSHOT_DIR/`screenshot`.
 */
export async function reportFailure(journey, error, { problems, page, screenshot, finalStep }) {
  console.error(`\n✘ ${journey} failed in step "${stepName}":\n  ${error.message.split("\n").join("\n  ")}`);
  if (problems.length && stepName.startsWith(finalStep) === false) {
    console.error("Problems noticed before the failure:");
    for (const problem of problems) console.error(`  ! ${problem}`);
  }
  if (page && !page.isClosed()) {
    console.error(`  page URL: ${page.url()}`);
    const path = join(SCREENSHOT_DIR, screenshot);
    await page
      .screenshot({ path, fullPage: true })
      .then(() => console.error(`  screenshot: ${path}`))
      .catch((shotError) => console.error(`  (could not save ${path}: ${shotError.message})`));
  }
}
