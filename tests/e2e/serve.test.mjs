// tend serve in a real browser: open a page, edit its Markdown on disk, see the change
// without touching the browser; break the front matter, see the error overlay; fix it,
// see the overlay clear. The server runs on a copy of the site, on an ephemeral port.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT, TEND_BIN } from "./lib/site.mjs";
import { launchBrowser } from "./lib/browser.mjs";
import { HOOK_TIMEOUT, TEST_TIMEOUT } from "./lib/suite.mjs";

const ARTICLE = "content/feelings/feeling-low-after-sex.md";
let dir, server, url, browser;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tend-serve-e2e-"));
  for (const part of ["site.yaml", "content", "themes"]) {
    await cp(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  }
  server = spawn(TEND_BIN, ["serve", "--root", dir, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise((resolve, reject) => {
    let seen = "";
    server.stderr.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`tend serve exited (${code}): ${seen}`)));
  });
  browser = await launchBrowser();
}, { timeout: HOOK_TIMEOUT });

after(async () => {
  await browser?.close();
  server?.kill("SIGINT");
  await new Promise((resolve) => (server && server.exitCode === null ? server.on("exit", resolve) : resolve()));
  await rm(dir, { recursive: true, force: true });
}, { timeout: HOOK_TIMEOUT });

test("a save shows in the open tab; a broken save shows the overlay; fixing it clears it", { timeout: TEST_TIMEOUT }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
  await page.goto(url + "feelings/feeling-low-after-sex/");
  const file = path.join(dir, ARTICLE);
  const good = await readFile(file, "utf8");

  // Scroll down, edit, and see the new text arrive by itself, at the same place.
  // Instantly: the theme scrolls smoothly, and a save mid-animation would keep a place the
  // reader was only passing through.
  await page.evaluate(() => window.scrollTo({ top: 600, behavior: "instant" }));
  await page.waitForFunction(() => window.scrollY === 600);
  await writeFile(file, good.replace("## What it can feel like", "## What it can feel like, edited live"));
  await page.getByRole("heading", { name: "What it can feel like, edited live" }).waitFor({ timeout: 10_000 });
  // The place is restored on the reloaded page's `load` event, which can come a moment
  // after the new heading is visible: wait for it (bounded) rather than read it at once.
  const kept = await page
    .waitForFunction(() => Math.abs(window.scrollY - 600) < 50, null, { timeout: 5_000 })
    .then(() => true, () => false);
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(kept, `scroll position kept after the reload (got ${y})`);

  // Break the front matter: the last good page stays, with an overlay naming the problem.
  await writeFile(file, good.replace("title:", "titel:"));
  const overlay = page.locator("#tend-error-overlay");
  await overlay.waitFor({ timeout: 10_000 });
  const text = await page.locator("#tend-error-overlay pre").innerText();
  assert.match(text, /content\/feelings\/feeling-low-after-sex\.md:2:1/);
  assert.match(text, /did you mean `title`\?/);
  assert.ok(await page.getByRole("heading", { name: "What it can feel like, edited live" }).isVisible());

  // Fix it: the overlay clears and the page reloads.
  await writeFile(file, good);
  await overlay.waitFor({ state: "detached", timeout: 10_000 });
  await page.getByRole("heading", { name: "What it can feel like", exact: true }).waitFor({ timeout: 10_000 });
  assert.deepEqual(outside, [], "no request left the local server");
  await context.close();
});

test("a new title reaches the other pages that list it: a sibling's sidebar, the topic page", { timeout: TEST_TIMEOUT }, async () => {
  const context = await browser.newContext();
  const sibling = await context.newPage();
  const topic = await context.newPage();
  await sibling.goto(url + "feelings/hormones-after-sex/");
  await topic.goto(url + "feelings/");
  const file = path.join(dir, ARTICLE);
  const good = await readFile(file, "utf8");
  const renamed = "Feeling low after sex, renamed live";
  try {
    await writeFile(file, good.replace(/^title: .*$/m, `title: "${renamed}"`));
    // Only the pages that show the title are rendered again; both open tabs must get them.
    for (const page of [sibling, topic]) {
      await page.getByRole("link", { name: renamed }).first().waitFor({ timeout: 10_000 });
    }
    // Reverting brings the old title back everywhere: nothing stays stale.
    await writeFile(file, good);
    for (const page of [sibling, topic]) {
      // The renamed link goes when the reload starts; the old one is back once it ends.
      await page.getByRole("link", { name: renamed }).first().waitFor({ state: "detached", timeout: 10_000 });
      await page
        .getByRole("link", { name: "Feeling low, teary or anxious after sex", exact: true })
        .first()
        .waitFor({ timeout: 10_000 });
    }
  } finally {
    await writeFile(file, good);
    await context.close();
  }
});

/**
 * The WCAG contrast ratio of every piece of text in the overlay against what is behind it:
 * the background of the nearest ancestors (across the shadow boundary), composited down to
 * an opaque colour. Returns [{ text, ratio }].
 */
function overlayContrast() {
  const parse = (css) => {
    const m = css.match(/rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[,/ ]+([\d.]+))?\)/);
    if (!m) throw new Error(`unparsed colour ${css}`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const parentOf = (el) => el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = parentOf(e)) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const host = document.getElementById("tend-error-overlay");
  const root = host.shadowRoot || host;
  const results = [];
  for (const el of [host, ...root.querySelectorAll("*")]) {
    const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own.length) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    results.push({ text: own[0].textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05) });
  }
  return results;
}

// issue 11 item 18: the overlay took the theme's colours (white text on the light theme's
// cream, about 1.15:1). It must be readable whatever the theme does, in light and dark.
for (const scheme of ["light", "dark"]) {
  test(`the error overlay meets WCAG AA contrast over the theme in ${scheme} mode`, { timeout: TEST_TIMEOUT }, async () => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const file = path.join(dir, ARTICLE);
    const good = await readFile(file, "utf8");
    try {
      await page.goto(url + "feelings/feeling-low-after-sex/");
      await writeFile(file, good.replace("title:", "titel:"));
      await page.locator("#tend-error-overlay pre").waitFor({ timeout: 10_000 });
      const results = await page.evaluate(overlayContrast);
      assert.ok(results.length >= 3, `the title, the note and the error are measured: ${JSON.stringify(results)}`);
      console.log(`# overlay contrast (${scheme}): ${results.map((r) => `${r.ratio.toFixed(2)}:1`).join(", ")}`);
      const poor = results.filter((r) => r.ratio < 4.5).map((r) => `${r.ratio.toFixed(2)}:1 ${JSON.stringify(r.text)}`);
      assert.deepEqual(poor, [], `overlay text below 4.5:1 in ${scheme} mode`);
    } finally {
      await writeFile(file, good);
      await page.locator("#tend-error-overlay").waitFor({ state: "detached", timeout: 10_000 });
      await context.close();
    }
  });
}

// issue 13 "never stale" (issue 12 item 4): a save that lands while a page is loading —
// after its HTML was sent, before its live-reload stream is open — used to be missed, and
// the tab showed the old text until the next save. The page now carries the generation it
// was rendered from and the stream starts with the current one.
test("a save during page load reaches the tab", { timeout: TEST_TIMEOUT }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const file = path.join(dir, ARTICLE);
  const good = await readFile(file, "utf8");
  const heading = "What it can feel like, saved during the load";
  const articleUrl = url + "feelings/feeling-low-after-sex/";
  try {
    // Hold the live-reload script until the save has been rebuilt and published.
    await page.route("**/__tend/live.js", async (route) => {
      await writeFile(file, good.replace("## What it can feel like", `## ${heading}`));
      const deadline = Date.now() + 10_000;
      while (!(await (await fetch(articleUrl)).text()).includes(heading)) {
        assert.ok(Date.now() < deadline, "the server never published the save");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await route.continue();
    }, { times: 1 });
    await page.goto(articleUrl);
    await page.getByRole("heading", { name: heading }).waitFor({ timeout: 10_000 });
  } finally {
    await writeFile(file, good);
    await context.close();
  }
});
