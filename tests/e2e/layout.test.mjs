// Responsive layout: from 320 px wide to a desktop, no page scrolls sideways, the page has
// one <h1>, the skip link comes first and works, and the sticky Quick exit button covers
// no other control at the top of the page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGES } from "./lib/site.mjs";
import { newSiteContext, open } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

const WIDTHS = [320, 375, 768, 1024, 1280];
const CHECKED = PAGES.filter((p) => ["home", "article-condom-broke", "page-checklist", "tags", "404"].includes(p.name));

forEachTheme("layout", (env) => {
  const { theme } = env;
  for (const entry of CHECKED) {
    test(`${theme} · ${entry.name}: fits 320–1280 px, one h1, Quick exit covers nothing`, { timeout: TEST_TIMEOUT }, async () => {
      const site = env.site;
      const context = await newSiteContext(env.browser, site);
      try {
        const page = await context.newPage();
        const problems = [];
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          await open(page, site, entry);
          const report = await page.evaluate(() => {
            const visible = (el) => {
              const r = el.getBoundingClientRect();
              const s = getComputedStyle(el);
              return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
            };
            const out = {
              overflow: document.documentElement.scrollWidth - window.innerWidth,
              h1: [...document.querySelectorAll("h1")].filter(visible).length,
              firstFocusable: document.querySelector("body a, body button")?.className || "",
              covered: [],
            };
            const exit = document.querySelector("[data-quick-exit]");
            if (exit && visible(exit)) {
              const e = exit.getBoundingClientRect();
              for (const el of document.querySelectorAll("a, button, summary, input, [tabindex]")) {
                if (el === exit || exit.contains(el) || !visible(el)) continue;
                if (el.classList.contains("skip-link")) continue;
                const r = el.getBoundingClientRect();
                const overlap = r.left < e.right && r.right > e.left && r.top < e.bottom && r.bottom > e.top;
                if (overlap) out.covered.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}"`);
              }
            }
            return out;
          });
          if (report.overflow > 0) problems.push(`${width}px: scrolls sideways by ${report.overflow}px`);
          if (report.h1 !== 1) problems.push(`${width}px: ${report.h1} visible <h1> elements`);
          if (report.firstFocusable !== "skip-link") problems.push(`${width}px: first link is .${report.firstFocusable}, not the skip link`);
          if (report.covered.length) problems.push(`${width}px: Quick exit covers ${report.covered.join(", ")}`);
        }
        // The skip link is the first stop and moves focus to <main>.
        await page.setViewportSize({ width: 375, height: 800 });
        await open(page, site, entry);
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => document.activeElement?.className);
        if (focused !== "skip-link") problems.push(`first Tab focuses .${focused}, not the skip link`);
        const skipVisible = await page.locator(".skip-link").evaluate((el) => el.getBoundingClientRect().top >= 0);
        if (!skipVisible) problems.push("the focused skip link is off screen");
        await page.keyboard.press("Enter");
        const target = await page.evaluate(() => document.activeElement?.id);
        if (target !== "main-content") problems.push(`the skip link moved focus to #${target}, not #main-content`);
        assert.deepEqual(problems, [], `${site.url(entry.path)} (${theme}):\n  ${problems.join("\n  ")}`);
      } finally {
        await context.close();
      }
    });
  }
});
