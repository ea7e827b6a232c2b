// Draws each theme's PNG images from its favicon.svg with the system Chromium, once; the
// PNGs are committed as theme static files (tend never runs this).
//
//   node scripts/theme-images.mjs     (after `bash tests/e2e/run.sh` installed playwright-core)
//
// Per theme: favicon.png (32 px, for browsers without SVG icons), apple-touch-icon.png
// (180 px, opaque: iOS fills transparency with black) and social-card.png (1200 × 630, the
// default og:image; a site sets its own with `extra: {og_image: …}` in site.yaml).

import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "tests/e2e/package.json"));
const { chromium } = require("playwright-core");

/** Each theme's page colour (light scheme), the card's background. */
const THEMES = { default: { background: "#fbf8f3", rule: "#2f6f5e" }, book: { background: "#fdfbf6", rule: "#8a1c1c" } };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const [theme, colours] of Object.entries(THEMES)) {
    const dir = path.join(ROOT, "themes", theme, "static");
    const svg = await readFile(path.join(dir, "favicon.svg"), "utf8");
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    const page = await browser.newPage({ colorScheme: "light" });
    const draw = async (file, width, height, body, transparent) => {
      await page.setViewportSize({ width, height });
      await page.setContent(`<!DOCTYPE html><html><body style="margin:0;width:${width}px;height:${height}px;overflow:hidden">${body}</body></html>`);
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));
      await page.screenshot({ path: path.join(dir, file), omitBackground: transparent });
      console.log(`${theme}/static/${file}`);
    };
    await draw("favicon.png", 32, 32, `<img src="${src}" width="32" height="32" style="display:block">`, true);
    // The mark centred on the theme's page colour, with an optional rule along the bottom.
    const framed = (width, height, mark, rule = "") =>
      `<div style="box-sizing:border-box;width:${width}px;height:${height}px;background:${colours.background};${rule}display:grid;place-items:center"><img src="${src}" width="${mark}" height="${mark}"></div>`;
    await draw("apple-touch-icon.png", 180, 180, framed(180, 180, 140), false);
    await draw("social-card.png", 1200, 630, framed(1200, 630, 300, `border-bottom:24px solid ${colours.rule};`), false);
    await page.close();
  }
} finally {
  await browser.close();
}
