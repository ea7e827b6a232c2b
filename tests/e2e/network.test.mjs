// Privacy and weight: loading any page asks nothing of another origin, breaks none of the
// Content-Security-Policy (bar the table-cell style attributes tend writes into
// page.content, which the policy blocks by design), throws no script errors, and stays
// small. Each page's weight is printed as a test diagnostic.

import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { FIXTURES, PAGES } from "./lib/site.mjs";
import { newSiteContext } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";
import { SAMPLER } from "./lib/a11y.mjs";
import path from "node:path";

/** Per page: everything it loads, uncompressed and gzipped. Generous; a theme is ~50 KB. */
const BUDGET = { raw: 200 * 1024, gzip: 50 * 1024 };

/** Records CSP violations in the page, noting whether they come from page.content. */
function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const el = e.target && e.target.nodeType === 1 ? e.target : null;
    window.__cspViolations.push({
      directive: e.effectiveDirective,
      blocked: e.blockedURI,
      sample: e.sample,
      element: el ? el.outerHTML.slice(0, 120) : "",
      inContent: Boolean(el && el.closest(".prose")),
    });
  });
}

forEachTheme(
  "privacy and weight",
  (env) => {
    for (const entry of [...PAGES, SAMPLER]) {
      test(`${env.theme} · ${entry.name}: only same-origin requests, no CSP or script errors`, { timeout: TEST_TIMEOUT }, async (t) => {
        const context = await newSiteContext(env.browser, env.site, { colorScheme: "light" });
        try {
          await context.addInitScript(recordCspViolations);
          const page = await context.newPage();
          const requests = [];
          const errors = [];
          const bytes = { raw: 0, gzip: 0, files: 0 };
          const pending = [];
          page.on("request", (r) => requests.push(r.url()));
          page.on("pageerror", (e) => errors.push(`script error: ${e.message}`));
          page.on("console", (m) => {
            if (m.type() !== "error") return;
            // The browser logs the 404 page's own status; that is the point of the page.
            if (entry.status === 404 && /status of 404/.test(m.text())) return;
            if (/Content Security Policy/.test(m.text())) return; // checked below, with context
            errors.push(`console: ${m.text()}`);
          });
          page.on("response", (r) => {
            pending.push(
              r.body().then(
                (b) => {
                  bytes.raw += b.length;
                  bytes.gzip += gzipSync(b).length;
                  bytes.files += 1;
                },
                () => {},
              ),
            );
          });
          const response = await page.goto(env.site.url(entry.path), { waitUntil: "networkidle" });
          assert.equal(response.status(), entry.status || 200);
          // Scroll through, in case anything loads late.
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          await page.waitForTimeout(150);
          await Promise.all(pending);

          const foreign = requests.filter((u) => !u.startsWith("data:") && new URL(u).origin !== env.site.origin);
          assert.deepEqual(foreign, [], `requests to other origins from ${entry.path}`);
          assert.deepEqual(context.foreignRequests, []);

          const csp = await page.evaluate(() => window.__cspViolations);
          const themeViolations = csp.filter((v) => !(v.inContent && v.directive === "style-src-attr"));
          assert.deepEqual(themeViolations, [], `CSP violations on ${entry.path}`);
          assert.deepEqual(errors, [], `errors on ${entry.path}`);

          t.diagnostic(
            `weight ${env.theme} ${entry.name}: ${bytes.files} files, ${(bytes.raw / 1024).toFixed(1)} KB, ` +
              `${(bytes.gzip / 1024).toFixed(1)} KB gzipped`,
          );
          assert.ok(bytes.raw <= BUDGET.raw, `${entry.path} loads ${bytes.raw} bytes (budget ${BUDGET.raw})`);
          assert.ok(bytes.gzip <= BUDGET.gzip, `${entry.path} loads ${bytes.gzip} gzipped bytes (budget ${BUDGET.gzip})`);
        } finally {
          await context.close();
        }
      });
    }
  },
  { extraContent: { "e2e-markup-sampler.md": path.join(FIXTURES, "markup-sampler.md") } },
);
