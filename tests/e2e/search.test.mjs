// Search: the header box and the /search/ page of each theme, in the browser, against the
// Pagefind index tend builds.
//
// - typing in the header box lists the right article first, and the keyboard alone reaches
//   it (/, ArrowDown, ArrowUp, Escape, Enter); Enter in the box opens /search/?q=…;
// - /search/ reads ?q= and ?topic=, filters by topic, pages results 10 at a time and keeps
//   the address in step (history.replaceState, no new history entries);
// - results show title, topic, an excerpt with <mark>, and at most 3 sections;
// - without JavaScript the region is a link to the list of every topic, and /search/ says
//   search needs JavaScript;
// - nothing is asked of another origin and nothing breaks the Content-Security-Policy;
//   the bytes Pagefind fetches for a query are printed (`# transfer …`);
// - axe on /search/ with results, and on a page with the header's results open, in light
//   and dark; at 320 px the panel fits, targets are 24 px or more, focus is visible and
//   highlighted words keep 4.5:1 contrast;
// - relevance.json: every reader query runs through the theme's own find(); the table of
//   top-3 results and the hit rate are printed (`# relevance …`), and the test fails below
//   the set's min_hit_rate.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "./lib/site.mjs";
import { newSiteContext } from "./lib/browser.mjs";
import { axeProblems } from "./lib/a11y.mjs";
import { SELECTED_THEMES, TEST_TIMEOUT, forEachTheme } from "./lib/suite.mjs";

const RELEVANCE = JSON.parse(await readFile(path.join(REPO_ROOT, "tests/e2e/relevance.json"), "utf8"));

/** Where each theme's no-JavaScript link goes: the home page's list of every topic. */
const BROWSE = { default: "#browse", book: "#tend-contents" };

const HEADER_INPUT = "#tend-search-input";
const PANEL = "#tend-search-panel";
const PAGE_INPUT = "#tend-search-page-input";

/**
 * Records CSP violations (an init script, so it runs before any of the page's own). The
 * style attributes tend writes on aligned table cells inside an article (.prose) are
 * blocked by design (see network.test.mjs) and left out.
 */
function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const el = e.target && e.target.nodeType === 1 ? e.target : null;
    if (e.effectiveDirective === "style-src-attr" && el && el.closest(".prose")) return;
    window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || e.sample || "?"}`);
  });
}

/** A context for `env.site` that records CSP violations, script errors and every request. */
async function searchContext(env, options = {}) {
  const context = await newSiteContext(env.browser, env.site, options);
  await context.addInitScript(recordCspViolations);
  context.requests = [];
  context.errors = [];
  context.on("request", (r) => context.requests.push(r.url()));
  context.on("weberror", (e) => context.errors.push(`script error: ${e.error().message}`));
  context.on("console", (m) => {
    // CSP reports are checked with their context by recordCspViolations.
    if (m.type() === "error" && !/Content Security Policy/.test(m.text())) context.errors.push(`console: ${m.text()}`);
  });
  return context;
}

/** Nothing left the origin, nothing broke the CSP, no script failed. */
async function assertClean(context, page, site) {
  const foreign = context.requests.filter((u) => !u.startsWith("data:") && new URL(u).origin !== site.origin);
  assert.deepEqual(foreign, [], "requests to other origins");
  assert.deepEqual(context.foreignRequests, [], "requests to other origins (aborted)");
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], "Content-Security-Policy violations");
  assert.deepEqual(context.errors, [], "script errors");
}

/** Types `query` into the header box (replacing what is there) and waits for its results. */
async function typeInHeader(page, query) {
  const input = page.locator(HEADER_INPUT);
  await input.fill("");
  await input.pressSequentially(query, { delay: 15 });
  await page.waitForFunction(
    ([panel, q]) => {
      const el = document.querySelector(panel);
      return el && !el.hidden && el.dataset.query === q;
    },
    [PANEL, query],
  );
}

/** Waits until /search/ shows the results for `query` (and `topic`). */
async function pageSettled(page, query, topic = "") {
  await page.waitForFunction(
    ([q, t]) => {
      const out = document.querySelector(".search-page-results");
      return out && out.dataset.query === q && (out.dataset.topic || "") === t;
    },
    [query, topic],
  );
}

/** The links of the header panel's results, as paths. */
async function panelResultPaths(page) {
  return page
    .locator(`${PANEL} .search-result-link`)
    .evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
}

forEachTheme("search", (env) => {
  const { theme } = env;

  test(`${theme} · header: the right article first, reached with the keyboard alone`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await searchContext(env);
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("about/"));
      // "/" focuses the box from anywhere on the page.
      await page.locator("main h1").click();
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "tend-search-input", "/ does not focus the box");
      assert.equal(await page.inputValue(HEADER_INPUT), "", "/ was typed into the box");

      await typeInHeader(page, "condom broke");
      const paths = await panelResultPaths(page);
      assert.equal(paths[0], "/body-care/if-a-condom-broke/", `first result: ${paths.join(", ")}`);
      assert.ok(paths.length <= 5, `${paths.length} results in the panel, at most 5`);

      // Each result: title link, topic, excerpt with <mark>, at most 3 sections of the same page.
      const first = page.locator(`${PANEL} .search-result`).first();
      assert.equal(await first.locator(".search-result-topic").innerText(), "Body care and safer sex");
      assert.ok((await first.locator(".search-result-excerpt mark").count()) > 0, "no highlighted words in the excerpt");
      for (const item of await page.locator(`${PANEL} .search-result`).all()) {
        const href = new URL(await item.locator(".search-result-link").getAttribute("href"), page.url());
        const subs = await item.locator(".search-subresult-link").evaluateAll((as) => as.map((a) => a.href));
        assert.ok(subs.length <= 3, `${subs.length} sections under ${href.pathname}`);
        for (const sub of subs) {
          const u = new URL(sub);
          assert.equal(u.pathname, href.pathname, `section ${sub} is not on ${href.pathname}`);
          assert.ok(u.hash.length > 1, `section ${sub} is the page itself`);
        }
      }

      // The live region says how many, after a pause in typing.
      await page.waitForFunction(() => /results? for “condom broke”/.test(document.querySelector("#search [role=status]").textContent));

      // ArrowDown moves into the results, ArrowUp and ArrowDown between them, ArrowUp from
      // the first returns to the box.
      const active = () => page.evaluate(() => document.activeElement?.getAttribute("href") || document.activeElement?.id);
      await page.keyboard.press("ArrowDown");
      const firstHref = await active();
      assert.match(firstHref, /\/body-care\/if-a-condom-broke\/$/);
      await page.keyboard.press("ArrowDown");
      const second = await active();
      assert.notEqual(second, firstHref, "ArrowDown does not move to the next result");
      await page.keyboard.press("ArrowUp");
      assert.equal(await active(), firstHref, "ArrowUp does not move back");
      await page.keyboard.press("ArrowUp");
      assert.equal(await active(), "tend-search-input", "ArrowUp from the first result does not return to the box");

      // Escape closes the panel and leaves the words in the box.
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Escape");
      assert.equal(await page.locator(PANEL).isHidden(), true, "Escape does not close the panel");
      assert.equal(await active(), "tend-search-input", "Escape does not return focus to the box");
      assert.equal(await page.inputValue(HEADER_INPUT), "condom broke", "Escape cleared the box");

      // Typing again reopens it; ArrowDown + Enter follows the first result.
      await typeInHeader(page, "condom broken");
      await page.keyboard.press("ArrowDown");
      await Promise.all([page.waitForURL("**/body-care/if-a-condom-broke/"), page.keyboard.press("Enter")]);
      assert.equal(await page.locator("main h1").innerText(), "If a condom broke or you had sex without one");
      await assertClean(context, page, env.site);
    } finally {
      await context.close();
    }
  });

  test(`${theme} · header: Enter opens /search/?q=…, which keeps the address in step`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await searchContext(env);
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("feelings/"));
      await page.locator(HEADER_INPUT).fill("sad after sex");
      await Promise.all([page.waitForURL(/\/search\/\?q=sad/), page.keyboard.press("Enter")]);
      await pageSettled(page, "sad after sex");
      assert.equal(await page.inputValue(PAGE_INPUT), "sad after sex");
      const first = await page.locator(".search-page .search-result-link").first().getAttribute("href");
      assert.match(first, /\/feelings\/feeling-low-after-sex\/$/);
      assert.match(await page.locator(".search-page-status").innerText(), /\d+ results? for “sad after sex”/);

      // "/" on /search/ focuses the page's own box; typing "/" in it is just a character.
      await page.locator("main h1").click();
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "tend-search-page-input");

      const before = await page.evaluate(() => history.length);
      await page.locator(PAGE_INPUT).fill("");
      await page.locator(PAGE_INPUT).pressSequentially("oxytocin", { delay: 20 });
      await pageSettled(page, "oxytocin");
      const url = new URL(page.url());
      assert.equal(url.searchParams.get("q"), "oxytocin", "the address does not follow the box");
      assert.equal(await page.evaluate(() => history.length), before, "typing added history entries");
      await page.locator(PAGE_INPUT).press("End");
      await page.keyboard.type("/");
      assert.equal(await page.inputValue(PAGE_INPUT), "oxytocin/", "/ was taken from a text field");
      await assertClean(context, page, env.site);
    } finally {
      await context.close();
    }
  });

  test(`${theme} · /search/: filter by topic, 10 at a time, ?topic= on load`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await searchContext(env);
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("search/?q=after"));
      await pageSettled(page, "after");
      const results = page.locator(".search-page .search-result");
      const total = Number((await page.locator(".search-page-status").innerText()).match(/(\d+) results?/)[1]);
      assert.ok(total > 10, `only ${total} results for "after": cannot test paging`);
      assert.equal(await results.count(), 10, "the first page is not 10 results");

      // "Show more results" adds the next 10 and moves focus to the first of them.
      await page.getByRole("button", { name: "Show more results" }).click();
      await page.waitForFunction((n) => document.querySelectorAll(".search-page .search-result").length === n, Math.min(20, total));
      assert.equal(
        await page.evaluate(() => [...document.querySelectorAll(".search-page .search-result")].indexOf(document.activeElement.closest(".search-result"))),
        10,
        "focus did not move to the first of the new results",
      );

      // The topic filter: a radio group with each topic's pages that match (counted).
      const group = page.getByRole("group", { name: "Topic" });
      await group.waitFor();
      await page.waitForFunction(() => document.querySelector("[data-search-filters]").dataset.counted === "after");
      const labels = await group.locator("label").allInnerTexts();
      assert.ok(labels[0].startsWith("All topics"), `first option: ${labels[0]}`);
      const feelings = group.getByRole("radio", { name: /^Feelings after sex/ });
      const count = Number((await feelings.locator("xpath=..").innerText()).match(/(\d+)/)[1]);
      assert.ok(count > 0, "no count for Feelings after sex");
      // Keyboard: focus the checked radio, arrow to the next option until Feelings is checked.
      await group.getByRole("radio", { checked: true }).focus();
      for (let i = 0; i < labels.length && !(await feelings.isChecked()); i++) await page.keyboard.press("ArrowRight");
      assert.ok(await feelings.isChecked(), "the arrow keys do not reach Feelings after sex");
      await pageSettled(page, "after", "Feelings after sex");
      const topics = await page.locator(".search-page .search-result-topic").allInnerTexts();
      assert.ok(topics.length > 0 && topics.length <= count, `${topics.length} results for ${count} pages in the topic`);
      assert.deepEqual([...new Set(topics)], ["Feelings after sex"], "results from other topics");
      assert.match(await page.locator(".search-page-status").innerText(), /in Feelings after sex/);
      assert.equal(new URL(page.url()).searchParams.get("topic"), "Feelings after sex");

      // The same address loads the same view.
      await page.goto(page.url());
      await pageSettled(page, "after", "Feelings after sex");
      assert.ok(await page.getByRole("radio", { name: /^Feelings after sex/ }).isChecked(), "?topic= not applied on load");
      assert.deepEqual([...new Set(await page.locator(".search-page .search-result-topic").allInnerTexts())], ["Feelings after sex"]);

      // A topic without words lists every page in it, as many as its chip says.
      await page.locator(PAGE_INPUT).fill("");
      await pageSettled(page, "", "Feelings after sex");
      await page.waitForFunction(() => document.querySelector("[data-search-filters]").dataset.counted === "");
      const pages = Number((await feelings.locator("xpath=..").innerText()).match(/(\d+)/)[1]);
      assert.equal(await results.count(), pages, "an empty box with a topic does not list the topic's pages");
      await assertClean(context, page, env.site);
    } finally {
      await context.close();
    }
  });

  test(`${theme} · without JavaScript: a link to every topic; /search/ says why`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await newSiteContext(env.browser, env.site, { javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(env.site.url("body-care/if-a-condom-broke/"));
      const region = page.locator("#search");
      const links = region.locator("a[href]");
      assert.equal(await links.count(), 1);
      assert.ok(await links.isVisible(), "the fallback link is hidden");
      assert.equal(new URL(await links.getAttribute("href"), page.url()).hash, BROWSE[theme]);
      assert.equal(await region.locator("input").isVisible(), false, "a search box shows without JavaScript");
      // The link leads to a list of every topic.
      await links.click();
      await page.waitForLoadState("load");
      const listed = await page.locator(BROWSE[theme]).locator("a[href]").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
      for (const topic of env.site.topics) assert.ok(listed.includes(topic), `${BROWSE[theme]} does not link to ${topic}`);

      await page.goto(env.site.url("search/?q=condom"));
      const note = page.locator(".search-nojs");
      assert.ok(await note.isVisible(), "/search/ does not say that it needs JavaScript");
      assert.match(await note.innerText(), /needs JavaScript/);
      assert.equal(new URL(await note.locator("a").getAttribute("href"), page.url()).hash, BROWSE[theme]);
      assert.equal(await page.locator(PAGE_INPUT).isVisible(), false, "a dead search box shows without JavaScript");
    } finally {
      await context.close();
    }
  });

  test(`${theme} · privacy: searching asks nothing of another origin and breaks no CSP rule`, { timeout: TEST_TIMEOUT }, async (t) => {
    const context = await searchContext(env);
    try {
      const page = await context.newPage();
      const bytes = new Map();
      const pending = [];
      context.on("response", (r) => {
        if (!new URL(r.url()).pathname.includes("/pagefind/")) return;
        pending.push(r.body().then((b) => bytes.set(r.url(), b), () => {}));
      });
      await page.goto(env.site.url("winding-down/"));
      assert.equal(bytes.size, 0, "Pagefind loads before anyone searches");
      const measure = async (label, action) => {
        const before = new Set(bytes.keys());
        await action();
        await page.waitForLoadState("networkidle");
        await Promise.all(pending);
        const fresh = [...bytes].filter(([url]) => !before.has(url));
        const raw = fresh.reduce((n, [, b]) => n + b.length, 0);
        const gz = fresh.reduce((n, [, b]) => n + gzipSync(b).length, 0);
        const kinds = fresh.map(([url]) => new URL(url).pathname.replace(/^.*\/pagefind\//, "")).join(" ");
        t.diagnostic(`transfer ${theme} ${label}: ${fresh.length} files, ${(raw / 1024).toFixed(1)} KB (${(gz / 1024).toFixed(1)} KB gzipped): ${kinds}`);
        return raw;
      };
      await measure("focus (Pagefind starts)", () => page.locator(HEADER_INPUT).focus());
      await measure('first query "massage oil"', () => typeInHeader(page, "massage oil"));
      await measure('next query "sub drop"', () => typeInHeader(page, "sub drop"));
      await measure('typo "cudling"', () => typeInHeader(page, "cudling"));
      await Promise.all([page.waitForURL(/\/search\//), page.locator(HEADER_INPUT).press("Enter")]);
      await pageSettled(page, "cudling");
      await page.getByRole("group", { name: "Topic" }).getByRole("radio", { name: /^Winding down together/ }).check();
      await pageSettled(page, "cudling", "Winding down together");
      const all = [...bytes.keys()];
      assert.ok(all.some((u) => u.endsWith("/pagefind/pagefind.js")), "Pagefind was not loaded from the site");
      assert.ok(all.some((u) => /\.pf_fragment$/.test(u)), "no result fragments were fetched");
      await assertClean(context, page, env.site);
    } finally {
      await context.close();
    }
  });

  for (const scheme of ["light", "dark"]) {
    test(`${theme} · ${scheme}: axe on /search/ with results and on the open header panel`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await searchContext(env, { colorScheme: scheme });
      try {
        const page = await context.newPage();
        const problems = [];
        for (const width of [375, 1280]) {
          await page.setViewportSize({ width, height: width < 600 ? 812 : 900 });
          await page.goto(env.site.url("search/?q=condom"));
          await pageSettled(page, "condom");
          await page.getByRole("group", { name: "Topic" }).waitFor();
          problems.push(...(await axeProblems(page, "search", `/search/ ${width}px`)));
          await page.goto(env.site.url("body-care/"));
          await page.locator(HEADER_INPUT).focus();
          await typeInHeader(page, "oil");
          await page.keyboard.press("ArrowDown");
          problems.push(...(await axeProblems(page, "search-panel", `panel ${width}px`)));
        }
        assert.equal(problems.length, 0, `axe found ${problems.length} problem(s) (${theme}, ${scheme}):\n${problems.join("\n")}`);
        await assertClean(context, page, env.site);
      } finally {
        await context.close();
      }
    });

    test(`${theme} · ${scheme} at 320 px: the panel fits, 24 px targets, visible focus, 4.5:1 highlights`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await searchContext(env, { colorScheme: scheme, viewport: { width: 320, height: 640 } });
      try {
        const page = await context.newPage();
        const problems = [];
        await page.goto(env.site.url("situations/"));
        await page.locator(HEADER_INPUT).focus();
        await typeInHeader(page, "aftercare");
        const report = await page.evaluate((panelSelector) => {
          const panel = document.querySelector(panelSelector);
          const r = panel.getBoundingClientRect();
          return {
            panel: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
            scroll: document.documentElement.scrollWidth - window.innerWidth,
            vh: window.innerHeight,
          };
        }, PANEL);
        if (report.panel.left < 0 || report.panel.right > 320) problems.push(`panel spans ${report.panel.left}–${report.panel.right} px`);
        if (report.panel.bottom > report.vh) problems.push(`panel ends at ${report.panel.bottom} px, below the ${report.vh} px window`);
        if (report.scroll > 0) problems.push(`the page scrolls sideways by ${report.scroll} px`);
        problems.push(...(await targetProblems(page, `${PANEL} a, ${HEADER_INPUT}`)));
        problems.push(...(await markProblems(page, PANEL)));

        // Visible focus on a result reached with the keyboard.
        await page.keyboard.press("ArrowDown");
        const ring = await page.evaluate(() => {
          const s = getComputedStyle(document.activeElement);
          return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag: document.activeElement.tagName };
        });
        if (ring.tag !== "A" || ring.style === "none" || ring.width < 2) problems.push(`focused result: ${JSON.stringify(ring)}`);

        await page.goto(env.site.url("search/?q=condom"));
        await pageSettled(page, "condom");
        await page.getByRole("group", { name: "Topic" }).waitFor();
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (scroll > 0) problems.push(`/search/ scrolls sideways by ${scroll} px`);
        problems.push(...(await targetProblems(page, ".search-page a, .search-page button, .search-page input:not([type=radio]), .search-filter")));
        problems.push(...(await markProblems(page, ".search-page")));
        assert.deepEqual(problems, [], `${theme} ${scheme} at 320 px:\n  ${problems.join("\n  ")}`);
      } finally {
        await context.close();
      }
    });
  }

  // The index and search.js are the same for every theme: one run is enough.
  if (theme === SELECTED_THEMES[0]) {
    test(`relevance: reader queries find the right page in the top 3 (${RELEVANCE.queries.length} queries)`, { timeout: TEST_TIMEOUT }, async (t) => {
      const context = await searchContext(env);
      try {
        const page = await context.newPage();
        await page.goto(env.site.url(""));
        const tops = await page.evaluate(async (queries) => {
          const { find } = await import(document.querySelector('script[type=module][src*="/search."]').src);
          const out = [];
          for (const q of queries) {
            const found = await find(q);
            const top = [];
            for (const result of found.results.slice(0, 3)) top.push(new URL((await result.data()).url, location.href).pathname);
            out.push({ mode: found.mode, top });
          }
          return out;
        }, RELEVANCE.queries.map((q) => q.q));
        const width = Math.max(...RELEVANCE.queries.map((q) => q.q.length));
        const misses = [];
        RELEVANCE.queries.forEach((q, i) => {
          const { mode, top } = tops[i];
          const hit = top.some((p) => q.expect.includes(p));
          if (!hit) misses.push(`${q.q} → ${top.join(", ") || "(nothing)"}; wanted ${q.expect.join(" or ")}`);
          t.diagnostic(`relevance ${hit ? "hit " : "MISS"} ${q.q.padEnd(width)}  ${top.map((p) => (q.expect.includes(p) ? `[${p}]` : p)).join("  ")}${mode === "all" ? "" : `  (${mode})`}`);
        });
        const rate = (RELEVANCE.queries.length - misses.length) / RELEVANCE.queries.length;
        t.diagnostic(`relevance hit rate ${(rate * 100).toFixed(1)}% (${RELEVANCE.queries.length - misses.length}/${RELEVANCE.queries.length}), minimum ${RELEVANCE.min_hit_rate * 100}%`);
        for (const miss of misses) t.diagnostic(`relevance miss: ${miss}`);
        assert.ok(rate >= RELEVANCE.min_hit_rate, `hit rate ${(rate * 100).toFixed(1)}% is below ${RELEVANCE.min_hit_rate * 100}%; misses:\n  ${misses.join("\n  ")}`);
        await assertClean(context, page, env.site);
      } finally {
        await context.close();
      }
    });
  }
});

/** Links, buttons and fields under `selector` smaller than 24 × 24 px. */
async function targetProblems(page, selector) {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ el, r }) => `target ${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" is ${r.width.toFixed(0)}×${r.height.toFixed(0)} px`),
  );
}

/** Highlighted words under `selector` whose text has less than 4.5:1 contrast. */
async function markProblems(page, selector) {
  const marks = await page.locator(`${selector} mark`).evaluateAll((els) =>
    els.slice(0, 20).map((el) => {
      const s = getComputedStyle(el);
      return { text: el.textContent, color: s.color, bg: s.backgroundColor };
    }),
  );
  if (!marks.length) return [`no highlighted words under ${selector}`];
  const problems = [];
  for (const m of marks) {
    const ratio = contrast(m.color, m.bg);
    if (!(ratio >= 4.5)) problems.push(`<mark>${m.text}</mark>: ${m.color} on ${m.bg} is ${ratio.toFixed(2)}:1`);
  }
  return problems;
}

function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl, alpha = 1] = css.match(/[\d.]+/g).map(Number);
    if (alpha < 1) return NaN; // a see-through highlight: cannot tell here, so fail loudly
    const c = [r, g, bl].map((v) => v / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
