// Builds the bundled site into a temporary folder with a chosen theme and serves it on
// 127.0.0.1 with a tiny static file server (node:http), the way a static host would:
// index.html for folder paths, 404.html with status 404 for anything missing.
//
// The server starts first, on an ephemeral port, because `tend build --base-url` must
// name the address the pages are served from.

import { createServer } from "node:http";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createReadStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root (tests/e2e/lib → ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The release binary run.sh builds; TEND_BIN overrides it. */
export const TEND_BIN = process.env.TEND_BIN || path.join(REPO_ROOT, "target/release/tend");

/**
 * Where site.yaml, content/, static/ and templates/ come from: the repository, or
 * TEND_E2E_SITE (another checkout, for trying the themes against an older binary).
 * Themes always come from this repository.
 */
export const SITE_ROOT = process.env.TEND_E2E_SITE || REPO_ROOT;

/** Test fixtures (tests/e2e/fixtures). */
export const FIXTURES = path.join(REPO_ROOT, "tests/e2e/fixtures");

/** Where screenshots go (gitignored). */
export const ARTIFACTS = path.join(REPO_ROOT, "tests/e2e/artifacts");

/** The themes under test. */
export const THEMES = ["default", "book"];

/** Colour schemes emulated with `colorScheme`. */
export const SCHEMES = ["light", "dark"];

/**
 * One page of every type the themes render. `path` is relative to the site root.
 * The two articles carry callouts, tables and footnotes between them.
 */
export const PAGES = [
  { name: "home", path: "" },
  { name: "topic", path: "feelings/" },
  { name: "article-condom-broke", path: "body-care/if-a-condom-broke/" },
  { name: "article-feeling-low", path: "feelings/feeling-low-after-sex/" },
  { name: "page-about", path: "about/" },
  { name: "page-checklist", path: "aftercare-checklist/" },
  { name: "tags", path: "tags/" },
  { name: "tag", path: "tags/consent/" },
  { name: "404", path: "this-page-does-not-exist/", status: 404 },
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
};

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p) {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Serves `dir` on 127.0.0.1 at an ephemeral port. Resolves to { server, port, origin }.
 * The folder need not exist yet: files are looked up per request.
 */
export async function serve(dir) {
  const root = path.resolve(dir);
  const send = (res, status, file, method) => {
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
    if (method === "HEAD") return res.end();
    createReadStream(file).on("error", () => res.destroy()).pipe(res);
  };
  const notFound = async (res, method) => {
    const page = path.join(root, "404.html");
    if (await isFile(page)) return send(res, 404, page, method);
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("not found\n");
  };
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { Allow: "GET, HEAD" });
        return res.end();
      }
      const url = new URL(req.url, "http://127.0.0.1");
      let rel;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        return notFound(res, req.method);
      }
      const file = path.join(root, path.normalize(rel));
      if (file !== root && !file.startsWith(root + path.sep)) return notFound(res, req.method);
      if (await isDir(file)) {
        if (!url.pathname.endsWith("/")) {
          res.writeHead(301, { Location: url.pathname + "/" + url.search });
          return res.end();
        }
        const index = path.join(file, "index.html");
        if (await isFile(index)) return send(res, 200, index, req.method);
        return notFound(res, req.method);
      }
      if (await isFile(file)) return send(res, 200, file, req.method);
      return notFound(res, req.method);
    } catch (err) {
      res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(String(err));
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return { server, port, origin: `http://127.0.0.1:${port}` };
}

/** Sets (or adds) the top-level `theme:` key of a site.yaml text. */
export function withTheme(yaml, theme) {
  const line = `theme: ${theme}`;
  return /^theme:.*$/m.test(yaml) ? yaml.replace(/^theme:.*$/m, line) : `${yaml.trimEnd()}\n${line}\n`;
}

/** Reads a top-level `extra:` string or boolean value from site.yaml text (simple YAML only). */
export function siteExtra(yaml, key) {
  const block = yaml.match(/^extra:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m);
  if (!block) return undefined;
  const m = block[1].match(new RegExp(`^[ \\t]+${key}:[ \\t]*(.*?)[ \\t]*$`, "m"));
  if (!m) return undefined;
  const raw = m[1].replace(/^(["'])(.*)\1$/, "$2");
  if (raw === "true") return true;
  if (raw === "false") return false;
  return raw;
}

/**
 * Copies the repository's site (site.yaml, content/, themes/, and static/ and templates/
 * if present; see SITE_ROOT) into a temporary folder, switches it to `theme`, builds it
 * with the release binary for the local server's address, and serves it.
 *
 * `extraContent` maps paths under content/ to files to add to the copy (test fixtures,
 * such as fixtures/markup-sampler.md); the repository's own content is never changed.
 *
 * Returns { theme, dir, out, origin, baseUrl, port, url(path), siteYaml, topics, close() }.
 */
export async function buildSite(theme, { extraContent = {} } = {}) {
  if (!existsSync(TEND_BIN)) {
    throw new Error(`${TEND_BIN} is missing: run \`cargo build --release --locked\` (tests/e2e/run.sh does)`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), `tend-e2e-${theme}-`));
  for (const name of ["content", "themes", "static", "templates"]) {
    const from = path.join(name === "themes" ? REPO_ROOT : SITE_ROOT, name);
    if (existsSync(from)) await cp(from, path.join(dir, name), { recursive: true });
  }
  for (const [rel, from] of Object.entries(extraContent)) {
    await cp(from, path.join(dir, "content", rel));
  }
  const siteYaml = withTheme(await readFile(path.join(SITE_ROOT, "site.yaml"), "utf8"), theme);
  await writeFile(path.join(dir, "site.yaml"), siteYaml);

  const out = path.join(dir, "public");
  const { server, port, origin } = await serve(out);
  const baseUrl = `${origin}/`;
  try {
    await run(TEND_BIN, ["build", "--root", dir, "--base-url", baseUrl, "--quiet"], { timeout: 120_000 });
  } catch (err) {
    server.close();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`tend build failed for theme ${theme}:\n${err.stdout || ""}${err.stderr || ""}`);
  }

  // Top-level topics: the folders of content/ with an _index.md, in URL form (the
  // folder name, or the `slug:` its front matter sets).
  const topics = [];
  for (const entry of await readdir(path.join(dir, "content"), { withFileTypes: true })) {
    const index = path.join(dir, "content", entry.name, "_index.md");
    if (!entry.isDirectory() || !existsSync(index)) continue;
    const front = (await readFile(index, "utf8")).split(/^---\s*$/m)[1] || "";
    const slug = front.match(/^slug:\s*["']?([^"'\s]+)["']?\s*$/m);
    topics.push(`/${slug ? slug[1] : entry.name}/`);
  }
  topics.sort();

  return {
    theme,
    dir,
    out,
    origin,
    baseUrl,
    port,
    siteYaml,
    topics,
    url: (p = "") => baseUrl + p.replace(/^\//, ""),
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
