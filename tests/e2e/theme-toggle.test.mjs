// The colour scheme: the system's choice by default (prefers-color-scheme), and a toggle
// that steps through light, dark and auto (follow the system), says which in its name and a
// live region, is remembered in localStorage across reloads and pages, and sets no cookie.

import { test } from "node:test";
import assert from "node:assert/strict";
import { newSiteContext } from "./lib/browser.mjs";
import { TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

/** Relative luminance of the page background: near 1 for light pages, near 0 for dark. */
function backgroundLuminance(page) {
  return page.evaluate(() => {
    let el = document.body;
    let colour = getComputedStyle(el).backgroundColor;
    while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(colour)) {
      el = el.parentElement;
      colour = el ? getComputedStyle(el).backgroundColor : "rgb(255, 255, 255)";
    }
    const [r, g, b] = colour.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
}

/** The accessible name of `button` (its text, visible and visually hidden). */
function name(button) {
  return button.evaluate((b) => b.textContent.replace(/\s+/g, " ").trim());
}

function cap(word) {
  return word[0].toUpperCase() + word.slice(1);
}

async function scheme(page) {
  const lum = await backgroundLuminance(page);
  return lum > 0.5 ? "light" : lum < 0.1 ? "dark" : `unclear (luminance ${lum.toFixed(2)})`;
}

forEachTheme("colour scheme", (env) => {
  for (const system of ["light", "dark"]) {
    const other = system === "light" ? "dark" : "light";
    test(`${env.theme}: on a ${system} system the toggle switches to ${other}, and it sticks`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await newSiteContext(env.browser, env.site, { colorScheme: system });
      try {
        const page = await context.newPage();
        await page.goto(env.site.url("feelings/feeling-low-after-sex/"));
        assert.equal(await scheme(page), system, "the page does not follow prefers-color-scheme");
        const toggle = page.locator("[data-theme-toggle]");
        assert.ok(await toggle.isVisible(), "no visible toggle with JavaScript on");
        assert.match(await name(toggle), /^Colours: Auto, following the system/);

        await toggle.click();
        assert.equal(await page.getAttribute("html", "data-theme"), other);
        assert.match(await name(toggle), new RegExp(`^Colours: ${cap(other)}, chosen`));
        assert.equal(await page.locator("[data-theme-status]").textContent(), `Colours: ${cap(other)}`);
        assert.equal(await scheme(page), other);

        await page.reload();
        assert.equal(await page.getAttribute("html", "data-theme"), other, "the choice did not survive a reload");
        assert.equal(await scheme(page), other);
        assert.match(await name(toggle), new RegExp(`^Colours: ${cap(other)}`));

        await page.goto(env.site.url("tags/"));
        assert.equal(await scheme(page), other, "the choice did not carry to another page");

        // Keyboard: Space on the focused toggle switches back.
        await toggle.focus();
        await page.keyboard.press("Space");
        assert.equal(await scheme(page), system);
        await page.reload();
        assert.equal(await scheme(page), system);

        assert.equal(await page.evaluate(() => localStorage.getItem("tend-colour-scheme")), system);
        assert.deepEqual(await context.cookies(), [], "the site set cookies");
        assert.equal(await page.evaluate(() => document.cookie), "");
      } finally {
        await context.close();
      }
    });
  }

  test(`${env.theme}: the third press is auto, which follows the system as it changes, and sticks`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site, { colorScheme: "light" });
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("about/"));
      const toggle = page.locator("[data-theme-toggle]");
      await toggle.click(); // dark
      await toggle.click(); // light
      assert.equal(await page.getAttribute("html", "data-theme"), "light");
      await toggle.click(); // auto
      assert.equal(await page.getAttribute("html", "data-theme"), null);
      assert.match(await name(toggle), /^Colours: Auto, following the system; press for dark/);
      assert.equal(await page.locator("[data-theme-status]").textContent(), "Colours: Auto (light, as the system)");
      assert.equal(await page.evaluate(() => localStorage.getItem("tend-colour-scheme")), "auto");

      await page.reload();
      assert.equal(await page.getAttribute("html", "data-theme"), null, "auto did not survive a reload");
      assert.equal(await scheme(page), "light");
      await page.emulateMedia({ colorScheme: "dark" });
      assert.equal(await scheme(page), "dark", "auto does not follow the system");
      assert.match(await name(toggle), /press for light/, "the next step does not follow the system");

      // A light choice on a dark system stays light.
      await toggle.click();
      assert.equal(await page.getAttribute("html", "data-theme"), "light");
      assert.equal(await scheme(page), "light");
    } finally {
      await context.close();
    }
  });
});
