// Quick exit: the button and the Shift ×3 shortcut leave for site.extra.quick_exit_url with
// location.replace(), so the guide's page is not left in the tab's history. The exit site
// is answered locally (page.route), so nothing goes out to the network.

import { test } from "node:test";
import assert from "node:assert/strict";
import { siteExtra } from "./lib/site.mjs";
import { newSiteContext } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

const EXIT_PAGE = "<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1>";

/** Opens the home page, then an article (so history has two entries), ready to exit. */
async function setUp(env) {
  const exitUrl = siteExtra(env.site.siteYaml, "quick_exit_url");
  assert.equal(siteExtra(env.site.siteYaml, "quick_exit"), true, "site.yaml turns quick_exit on");
  assert.ok(exitUrl, "site.yaml names a quick_exit_url");
  const context = await newSiteContext(env.browser, env.site, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const exits = [];
  await page.route(
    (url) => url.href.replace(/\/$/, "") === exitUrl.replace(/\/$/, ""),
    (route) => {
      exits.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: EXIT_PAGE });
    },
  );
  await page.goto(env.site.url(""));
  await page.goto(env.site.url("body-care/if-a-condom-broke/"));
  const link = page.locator("[data-quick-exit]");
  assert.equal(await link.count(), 1, "one Quick exit link");
  assert.equal((await link.getAttribute("href")).replace(/\/$/, ""), exitUrl.replace(/\/$/, ""));
  const historyBefore = await page.evaluate(() => history.length);
  return { context, page, exitUrl, exits, historyBefore };
}

async function assertExited(s) {
  await s.page.waitForURL((url) => url.href.replace(/\/$/, "") === s.exitUrl.replace(/\/$/, ""), { timeout: 5000 });
  assert.equal(await s.page.textContent("h1"), "Weather");
  assert.equal(await s.page.evaluate(() => history.length), s.historyBefore, "history.length grew: not location.replace()");
  assert.equal(s.exits.length, 1);
  // Back goes to the page before the guide's article, not to the article.
  await s.page.goBack();
  assert.equal(new URL(s.page.url()).pathname, "/");
}

forEachTheme("quick exit", (env) => {
  test(`${env.theme}: the button is always in view and leaves with location.replace()`, { timeout: TEST_TIMEOUT }, async () => {
    const s = await setUp(env);
    try {
      await s.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await s.page.waitForFunction(() => window.scrollY > 1000);
      await assert.doesNotReject(
        s.page.locator("[data-quick-exit]").click({ trial: true, timeout: 2000 }),
        "Quick exit is not clickable after scrolling down",
      );
      const box = await s.page.locator("[data-quick-exit]").boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 100, `Quick exit should stick to the top, is at ${box && box.y}`);
      await s.page.locator("[data-quick-exit]").click();
      await assertExited(s);
    } finally {
      await s.context.close();
    }
  });

  test(`${env.theme}: Shift pressed three times within a second leaves`, { timeout: TEST_TIMEOUT }, async () => {
    const s = await setUp(env);
    try {
      await s.page.locator("h1").click();
      for (let i = 0; i < 3; i++) await s.page.keyboard.press("Shift");
      await assertExited(s);
    } finally {
      await s.context.close();
    }
  });

  test(`${env.theme}: Shift pressed slowly, or with other keys between, does not leave`, { timeout: TEST_TIMEOUT }, async () => {
    const s = await setUp(env);
    try {
      const before = s.page.url();
      await s.page.locator("h1").click();
      // Twice, more than a second apart.
      await s.page.keyboard.press("Shift");
      await s.page.waitForTimeout(1150);
      await s.page.keyboard.press("Shift");
      // Three times, but spread over more than a second.
      await s.page.waitForTimeout(1150);
      for (let i = 0; i < 3; i++) {
        await s.page.keyboard.press("Shift");
        if (i < 2) await s.page.waitForTimeout(600);
      }
      // Three times quickly, with a letter typed between.
      await s.page.waitForTimeout(1150);
      await s.page.keyboard.press("Shift");
      await s.page.keyboard.press("a");
      await s.page.keyboard.press("Shift");
      await s.page.keyboard.press("Shift");
      await s.page.waitForTimeout(400);
      assert.equal(s.page.url(), before);
      assert.equal(s.exits.length, 0, "the exit site was requested");
      assert.equal(await s.page.evaluate(() => document.documentElement.classList.contains("exiting")), false);
      assert.ok(await s.page.locator("main h1").isVisible());
    } finally {
      await s.context.close();
    }
  });
});
