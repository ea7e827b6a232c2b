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
  await page.evaluate(() => window.scrollTo(0, 600));
  await writeFile(file, good.replace("## What it can feel like", "## What it can feel like, edited live"));
  await page.getByRole("heading", { name: "What it can feel like, edited live" }).waitFor({ timeout: 10_000 });
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(y - 600) < 50, `scroll position kept after the reload (got ${y})`);

  // Break the front matter: the last good page stays, with an overlay naming the problem.
  await writeFile(file, good.replace("title:", "titel:"));
  const overlay = page.locator("#tend-error-overlay");
  await overlay.waitFor({ timeout: 10_000 });
  const text = await overlay.innerText();
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
      await page.getByRole("link", { name: renamed }).first().waitFor({ state: "detached", timeout: 10_000 });
      assert.ok(await page.getByRole("link", { name: "Feeling low, teary or anxious after sex", exact: true }).first().isVisible());
    }
  } finally {
    await writeFile(file, good);
    await context.close();
  }
});
