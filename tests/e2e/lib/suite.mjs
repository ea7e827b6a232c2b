// Shared set-up for the per-theme test files: one built site and one browser per theme.

import { after, before, describe } from "node:test";
import { THEMES, buildSite } from "./site.mjs";
import { launchBrowser } from "./browser.mjs";

/** Limits, so a hung browser fails the run instead of stalling CI. */
export const TEST_TIMEOUT = 120_000;
export const HOOK_TIMEOUT = 180_000;

/** Themes to test: all, or a comma-separated E2E_THEMES (for working on one theme). */
export const SELECTED_THEMES = process.env.E2E_THEMES ? process.env.E2E_THEMES.split(",") : THEMES;

/**
 * describe() once per theme. `body(env)` declares the tests; env.site and env.browser are
 * set by the time they run.
 */
export function forEachTheme(title, body, buildOptions) {
  for (const theme of SELECTED_THEMES) {
    describe(`${title}: ${theme} theme`, () => {
      const env = { theme, site: null, browser: null };
      before(async () => {
        [env.site, env.browser] = await Promise.all([buildSite(theme, buildOptions), launchBrowser()]);
      }, { timeout: HOOK_TIMEOUT });
      after(async () => {
        await env.browser?.close();
        await env.site?.close();
      }, { timeout: HOOK_TIMEOUT });
      body(env);
    });
  }
}
