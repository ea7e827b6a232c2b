// The /search/ page as a reader meets it, in each theme:
//
// - nothing moves while it loads: the cumulative layout shift (PerformanceObserver,
//   'layout-shift' entries without recent input) stays under 0.05 at a phone size,
//   empty and with ?q=, in light and dark;
// - the topic chips count pages: with no query, the pages of each topic; with a query,
//   the pages of each topic among the results, the number choosing the chip shows;
// - a misspelled query that finds nothing suggests the closest words the site uses
//   ("Did you mean …?"), from the vocabulary tend writes at build time;
// - Ctrl+K and Cmd+K focus the search box, as "/" does.

import { test } from "node:test";
import assert from "node:assert/strict";
import { newSiteContext } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

/** Lighthouse's mobile screen. */
const PHONE = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true };

const MAX_SHIFT = 0.05;

/** Sums layout shifts (as CLS does, counting only those without recent input) from the
 * very start of the page, with the elements that moved. */
function recordLayoutShifts() {
  window.__shift = { total: 0, sources: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      window.__shift.total += entry.value;
      for (const source of entry.sources || []) {
        const node = source.node;
        const name = node && node.nodeType === 1 ? `${node.tagName.toLowerCase()}.${[...node.classList].join(".")}` : String(node && node.nodeName);
        window.__shift.sources.push(`${name} (${entry.value.toFixed(3)})`);
      }
    }
  }).observe({ type: "layout-shift", buffered: true });
}

/** Waits until /search/ shows the results for `query`, and the topic chips are counted. */
async function settled(page, query) {
  await page.waitForFunction(
    (q) => {
      const out = document.querySelector(".search-page-results");
      const box = document.querySelector("[data-search-filters]");
      return out && out.dataset.query === q && box && box.dataset.counted === q;
    },
    query,
  );
  // Two frames, so any layout the last change caused has been measured.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Each chip's topic and count. */
function chips(page) {
  return page.locator(".search-filter").evaluateAll((labels) =>
    labels.map((label) => ({
      topic: label.querySelector("input").value,
      count: label.querySelector("[data-count]")?.textContent.trim() ?? null,
    })),
  );
}

forEachTheme("search page", (env) => {
  const { theme } = env;

  for (const scheme of ["light", "dark"]) {
    for (const query of ["", "condom"]) {
      const what = query ? `?q=${query}` : "empty";
      test(`${theme} · ${scheme} · /search/ ${what}: layout shift under ${MAX_SHIFT}`, { timeout: TEST_TIMEOUT }, async () => {
        const context = await newSiteContext(env.browser, env.site, { ...PHONE, colorScheme: scheme });
        try {
          await context.addInitScript(recordLayoutShifts);
          // A slow network, as Lighthouse's: the page paints before Pagefind arrives.
          await context.route("**/pagefind/**", async (route) => {
            await new Promise((done) => setTimeout(done, 400));
            await route.fallback();
          });
          const page = await context.newPage();
          await page.goto(env.site.url(`search/${query ? `?q=${query}` : ""}`));
          await settled(page, query);
          const shift = await page.evaluate(() => window.__shift);
          console.log(`# layout shift ${theme} ${scheme} ${what}: ${shift.total.toFixed(4)}`);
          assert.ok(shift.total < MAX_SHIFT, `layout shift ${shift.total.toFixed(3)}; moved: ${shift.sources.join(", ")}`);
        } finally {
          await context.close();
        }
      });
    }
  }
});

forEachTheme("topic chips", (env) => {
  const { theme } = env;

  test(`${theme} · each topic chip counts the pages that choosing it shows`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("search/"));
      await settled(page, "");
      const totals = await chips(page);
      assert.ok(totals.length > 2, `chips: ${JSON.stringify(totals)}`);
      assert.equal(totals[0].topic, "", "the first chip is not All topics");

      await page.goto(env.site.url("search/?q=condom"));
      await settled(page, "condom");
      const counted = await chips(page);
      assert.notDeepEqual(counted, totals, "with a query the chips still count every page of each topic");
      const group = page.getByRole("group", { name: /Topic/ });
      assert.match(await group.locator("legend").innerText(), /pages that match/);
      for (const chip of counted.slice(1)) {
        const radio = page.locator(`.search-filter input[value="${chip.topic}"]`);
        const name = await radio.evaluate((r) => r.closest("label").textContent.replace(/\s+/g, " ").trim());
        assert.match(name, new RegExp(`${chip.count} (page matches|pages match)$`), `the chip's text does not say what it counts: ${name}`);
        await radio.check();
        await page.waitForFunction((t) => document.querySelector(".search-page-results").dataset.topic === t, chip.topic);
        const shown = await page.locator(".search-page .search-result").count();
        const status = await page.locator(".search-page-status").innerText();
        const said = Number((status.match(/(\d+) results?/) || [0, 0])[1]);
        assert.equal(said, Number(chip.count), `${chip.topic}: the chip says ${chip.count}, choosing it finds ${said} (${status})`);
        assert.ok(shown <= said);
      }
    } finally {
      await context.close();
    }
  });
});

forEachTheme("did you mean", (env) => {
  const { theme } = env;

  test(`${theme} · a misspelled search suggests the site's own word`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      // The vocabulary is the site's: tend writes it with the index.
      const words = await (await page.request.get(env.site.url("search/words.txt"))).text();
      assert.ok(words.split("\n").includes("aftercare"), "aftercare is not in search/words.txt");

      for (const [typed, meant] of [["aftrcare", "aftercare"], ["dysphora", "dysphoria"], ["masage after sex", "massage after sex"]]) {
        await page.goto(env.site.url(`search/?q=${encodeURIComponent(typed)}`));
        await settled(page, typed);
        const status = page.locator(".search-page-status");
        assert.match(await status.innerText(), new RegExp(`Did you mean ${meant}\\?`), `${typed}: ${await status.innerText()}`);
      }

      // Choosing the suggestion searches for it, on the same page.
      await page.goto(env.site.url("search/?q=dysphora"));
      await settled(page, "dysphora");
      await page.locator(".search-page-status .search-suggestion-link").click();
      await settled(page, "dysphoria");
      assert.equal(await page.inputValue("#tend-search-page-input"), "dysphoria");
      assert.equal(new URL(page.url()).searchParams.get("q"), "dysphoria");
      assert.ok((await page.locator(".search-page .search-result").count()) > 0, "no results for the suggestion");
      assert.doesNotMatch(await page.locator(".search-page-status").innerText(), /Did you mean/);

      // The header box suggests too.
      await page.goto(env.site.url("about/"));
      await page.locator("#tend-search-input").fill("aftrcare");
      await page.waitForFunction(() => document.querySelector("#tend-search-panel")?.dataset.query === "aftrcare");
      assert.match(await page.locator("#tend-search-panel").innerText(), /Did you mean aftercare\?/);
    } finally {
      await context.close();
    }
  });
});

forEachTheme("keyboard", (env) => {
  const { theme } = env;

  test(`${theme} · Ctrl+K and Cmd+K focus the search box, even from another field`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site);
    try {
      const page = await context.newPage();
      for (const [path, box] of [["about/", "tend-search-input"], ["search/", "tend-search-page-input"]]) {
        for (const keys of ["Control+k", "Meta+k"]) {
          await page.goto(env.site.url(path));
          await page.locator("main h1").click();
          await page.keyboard.press(keys);
          assert.equal(await page.evaluate(() => document.activeElement?.id), box, `${keys} on /${path}`);
        }
      }
      // From the page's own box, Ctrl+K goes to it (selecting what is there) rather than typing.
      await page.goto(env.site.url("about/"));
      await page.locator("#tend-search-input").fill("care");
      await page.locator("#tend-search-input").blur();
      await page.keyboard.press("Control+k");
      assert.equal(await page.evaluate(() => document.getSelection().toString() || document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)), "care");
      assert.match(await page.locator("#tend-search-input").getAttribute("aria-keyshortcuts"), /Control\+K/);
    } finally {
      await context.close();
    }
  });
});
