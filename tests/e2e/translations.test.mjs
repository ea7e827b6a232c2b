// Translations, in the browser, on the bundled guide's Spanish pages (each theme):
//
// - a Spanish page says `lang="es"`, links each version with hreflang (and x-default), its
//   words (search box, skip link) are Spanish, and Get help is one link away (in English);
// - the language switcher is reached with the keyboard, names each language in itself with
//   `lang`, marks the current one, and leads to the same page in the other language when
//   there is one, else to that language's home page;
// - Spanish search finds Spanish pages only, English search English pages only;
// - axe finds nothing on the Spanish home page and article, in light and dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import { newSiteContext } from "./lib/browser.mjs";
import { axeProblems } from "./lib/a11y.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

const ARTICLE = "basics/what-is-aftercare/";

/** The switcher's entries: [name, lang, href or null for the current one]. */
function switcherEntries(page) {
  return page.locator(".language-switcher li").evaluateAll((items) =>
    items.map((li) => {
      const el = li.firstElementChild;
      return [el.textContent.trim(), el.getAttribute("lang"), el.tagName === "A" ? new URL(el.href).pathname : null];
    }),
  );
}

/** Waits until the search page shows its results for `query` and returns their paths. */
async function searchPaths(page, query) {
  await page.waitForFunction((q) => {
    const out = document.querySelector(".search-page-results");
    return out && out.dataset.query === q;
  }, query);
  return page.locator(".search-page .search-result-link").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
}

forEachTheme("translations", (env) => {
  const { theme } = env;

  test(`${theme}: a Spanish page names its language, its versions and speaks Spanish`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      await page.goto(env.site.url(`es/${ARTICLE}`));
      assert.equal(await page.getAttribute("html", "lang"), "es");
      const alternates = await page.locator("link[rel=alternate][hreflang]").evaluateAll((ls) =>
        ls.map((l) => [l.hreflang, new URL(l.href).pathname]),
      );
      const base = new URL(env.site.url("")).pathname;
      assert.deepEqual(alternates, [
        ["en", `${base}${ARTICLE}`],
        ["es", `${base}es/${ARTICLE}`],
        ["x-default", `${base}${ARTICLE}`],
      ]);
      const skip = (await page.locator(".skip-link, a[href='#main-content']").first().innerText()).trim();
      assert.doesNotMatch(skip, /Skip to/i, "the skip link is still English");
      const placeholder = await page.locator("#tend-search-input").getAttribute("placeholder");
      assert.ok(placeholder && !/Search/.test(placeholder), `the search box says "${placeholder}"`);
      // Get help is reachable from a translation even before the help page is translated:
      // the English page, marked as English for browsers and assistive technology.
      const help = page.locator(`a[href="${base}get-help/"]`).first();
      assert.equal(await help.count(), 1, "no link to Get help on a Spanish page");
      assert.equal(await help.getAttribute("hreflang"), "en");
      // The feed and the search form are the Spanish ones.
      const feed = await page.locator("link[type='application/atom+xml']").getAttribute("href");
      assert.equal(feed, `${base}es/atom.xml`);
    } finally {
      await context.close();
    }
  });

  test(`${theme}: the language switcher leads to the same page in the other language`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      const base = new URL(env.site.url("")).pathname;
      await page.goto(env.site.url(ARTICLE));
      assert.deepEqual(await switcherEntries(page), [
        ["English", "en", null],
        ["Español", "es", `${base}es/${ARTICLE}`],
      ]);
      assert.equal(await page.locator(".language-switcher [aria-current]").innerText(), "English");
      // Keyboard alone: Tab reaches the Spanish link; Enter follows it.
      const spanish = page.locator(".language-switcher a[hreflang=es]");
      let reached = false;
      for (let i = 0; i < 200 && !reached; i++) {
        await page.keyboard.press("Tab");
        reached = await spanish.evaluate((a) => a === document.activeElement);
      }
      assert.ok(reached, "Tab never reaches the Spanish link");
      const box = await spanish.boundingBox();
      assert.ok(box.width >= 24 && box.height >= 24, `target ${box.width}×${box.height}, under 24×24`);
      await Promise.all([page.waitForURL(`**/es/${ARTICLE}`), page.keyboard.press("Enter")]);
      assert.equal(await page.getAttribute("html", "lang"), "es");
      // A page without a Spanish version: the switcher leads to the Spanish home page.
      await page.goto(env.site.url("feelings/hormones-after-sex/"));
      const entries = await switcherEntries(page);
      assert.deepEqual(entries[1], ["Español", "es", `${base}es/`]);
    } finally {
      await context.close();
    }
  });

  test(`${theme}: each language's search finds its own pages`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      const base = new URL(env.site.url("")).pathname;
      await page.goto(env.site.url("es/search/?q=limpieza"));
      const spanish = await searchPaths(page, "limpieza");
      assert.ok(spanish.length > 0, "no Spanish results for “limpieza”");
      assert.ok(spanish.every((p) => p.startsWith(`${base}es/`)), `Spanish search left Spanish pages: ${spanish}`);
      await page.goto(env.site.url("search/?q=cleaning"));
      const english = await searchPaths(page, "cleaning");
      assert.ok(english.length > 0, "no English results for “cleaning”");
      assert.ok(english.every((p) => !p.startsWith(`${base}es/`)), `English search found Spanish pages: ${english}`);
    } finally {
      await context.close();
    }
  });

  for (const scheme of ["light", "dark"]) {
    test(`${theme}: axe finds nothing on the Spanish pages (${scheme})`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await newSiteContext(env.browser, env.site, { colorScheme: scheme });
      try {
        const page = await context.newPage();
        const problems = [];
        for (const [name, path] of [["es-home", "es/"], ["es-article", `es/${ARTICLE}`], ["es-search", "es/search/?q=agua"]]) {
          await page.goto(env.site.url(path));
          problems.push(...(await axeProblems(page, name, `${name} ${scheme}`)));
        }
        assert.deepEqual(problems, [], problems.join("\n"));
      } finally {
        await context.close();
      }
    });
  }
});
