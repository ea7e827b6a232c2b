// Without JavaScript: the pages still read, the search fallback leads to a page listing
// every topic, Quick exit is a plain link, the phone menu opens, and the colour scheme
// toggle (which needs JavaScript) is hidden.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGES, siteExtra } from "./lib/site.mjs";
import { newSiteContext, open } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

forEachTheme("no JavaScript", (env) => {
  for (const width of [375, 1280]) {
    test(`${env.theme} at ${width}px: articles read, search falls back to a list of all topics`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await newSiteContext(env.browser, env.site, {
        javaScriptEnabled: false,
        viewport: { width, height: 800 },
      });
      try {
        const page = await context.newPage();
        for (const entry of PAGES.filter((p) => p.name.startsWith("article"))) {
          await open(page, env.site, entry);
          assert.equal(await page.evaluate(() => document.documentElement.classList.contains("js")), false);
          assert.ok(await page.locator("main h1").isVisible(), `${entry.path}: h1 hidden`);
          const body = page.locator("main .prose").first();
          assert.ok(await body.isVisible(), `${entry.path}: article body hidden`);
          assert.ok((await body.innerText()).length > 1000, `${entry.path}: article body is short`);
          assert.ok(await body.locator("p").first().isVisible(), `${entry.path}: first paragraph hidden`);
          assert.equal(await page.locator("[data-theme-toggle]").isVisible(), false, "the toggle shows without JavaScript");
          const exit = page.locator("[data-quick-exit]");
          assert.ok(await exit.isVisible(), "Quick exit hidden without JavaScript");
          assert.equal(
            (await exit.getAttribute("href")).replace(/\/$/, ""),
            siteExtra(env.site.siteYaml, "quick_exit_url").replace(/\/$/, ""),
          );
        }

        // The search placeholder holds a plain link...
        const search = page.locator('#search[role="search"]');
        assert.equal(await search.count(), 1, 'no <div id="search" role="search">');
        const fallback = search.locator("a[href]");
        assert.equal(await fallback.count(), 1, "no fallback link in #search");
        assert.ok(await fallback.isVisible(), "the search fallback link is hidden");
        const href = await fallback.getAttribute("href");
        // ...to a page (and section) that links to every top-level topic.
        await fallback.click();
        await page.waitForLoadState("load");
        const target = new URL(href, page.url());
        assert.equal(new URL(page.url()).pathname, target.pathname);
        const scope = target.hash ? page.locator(target.hash) : page.locator("main");
        assert.equal(await scope.count(), 1, `${href}: no element ${target.hash}`);
        const linked = await scope.locator("a[href]").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        for (const topic of env.site.topics) {
          assert.ok(linked.includes(topic), `${href} does not link to the topic ${topic}`);
        }
        assert.ok(linked.length > env.site.topics.length, `${href} lists only ${linked.length} links: no articles`);

        // The phone menu is a <details>: it opens without JavaScript.
        if (width < 600) {
          const summary = page.locator("#site-nav summary");
          assert.ok(await summary.isVisible(), "no menu button on a phone");
          const links = page.locator("#site-nav details a");
          assert.equal(await links.first().isVisible(), false, "menu links show before the menu opens");
          await summary.click();
          assert.ok(await links.first().isVisible(), "the menu does not open without JavaScript");
        }
      } finally {
        await context.close();
      }
    });
  }
});
