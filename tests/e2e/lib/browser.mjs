// Launches the system Chromium through playwright-core (which downloads nothing) and
// makes browser contexts that can only reach the local test server.

import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Headless Chromium. `chromium.launch` gives every browser a fresh, temporary user data
 * directory (deleted on close), so no profile state carries over between runs.
 */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * A browser context for `site`. Any request to another origin is recorded in
 * `context.foreignRequests` and aborted, so nothing leaves the machine even if a page
 * asked for it. Page-level routes (the quick exit tests) take precedence.
 */
export async function newSiteContext(browser, site, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    reducedMotion: "reduce",
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  context.foreignRequests = [];
  await context.route(
    (url) => url.origin !== site.origin,
    (route) => {
      context.foreignRequests.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return context;
}

/** Loads `path` of `site` in `page` and checks the HTTP status (200, or the page's own). */
export async function open(page, site, entry) {
  const response = await page.goto(site.url(entry.path), { waitUntil: "load" });
  const want = entry.status || 200;
  if (!response || response.status() !== want) {
    throw new Error(`${site.url(entry.path)}: status ${response && response.status()}, want ${want}`);
  }
  return response;
}
