/* tend themes: search in the reader's browser, with Pagefind.
 *
 * Loaded as a module from the header's #search region on every page. The forms are in
 * the page's HTML already: tend.js adds the class `js` to <html>, and the theme's CSS then
 * shows them (and hides the no-JavaScript "Browse" link) before the first paint. This
 * module makes them work:
 *
 *   - the header box shows up to 5 results in a panel as the reader types; Enter opens
 *     /search/?q=…; "/" and Ctrl/Cmd+K focus the box; ArrowDown moves into the results, ArrowUp and
 *     ArrowDown between them, Escape closes the panel and returns to the box;
 *   - /search/ reads ?q= (and ?topic=) on load, shows every result 10 at a time with a
 *     "Show more results" button, filters by topic, and keeps the address in step with
 *     history.replaceState.
 *
 * Pagefind (pagefind/pagefind.js, its WebAssembly and the index, all from this site, never
 * another origin) loads only when a reader starts to search: when a search box gets focus,
 * or at once on /search/. The base path comes from data-base on #search (or on the
 * /search/ page's [data-search-page]), the search page of the page's language from
 * data-search-url, and every word shown from the page's #tend-strings block (English
 * without one).
 *
 * `find()` is exported so the browser tests run their queries through the same code the
 * readers use. The same file serves the default and the book themes (book/static/search.js
 * is a copy: keep them identical).
 */

const region = document.getElementById("search");
const pageRoot = document.querySelector("[data-search-page]");
const BASE = withSlash((region && region.dataset.base) || (pageRoot && pageRoot.dataset.base) || "/");
const SEARCH_PAGE = withSlash((region && region.dataset.searchUrl) || (pageRoot && pageRoot.dataset.searchUrl) || BASE + "search/");

/* ---------- Words ---------- */

/* What the reader is told, in the page's language: base.html renders the theme's i18n
 * strings into <script type="application/json" id="tend-strings">. These are the English
 * ones, for a page without it. {name} is filled in by say() and sayParts(). */
const ENGLISH = {
  "search.unavailable": "Search isn’t available right now.",
  "search.browse_all": "Browse all topics",
  "search.browse_instead": "{link} instead.",
  "search.did_you_mean": "Did you mean {suggestion}?",
  "search.quoted": "“{query}”",
  "search.in_topic": "in {topic}",
  "search.results.one": "{n} result",
  "search.results.other": "{n} results",
  "count.pages.one": "{n} page",
  "count.pages.other": "{n} pages",
  "search.summary.all": "{results} for {query}{where}",
  "search.summary.none": "No results for {query}{where}",
  "search.summary.similar": "No pages match {query}{where}. {results} for similar words",
  "search.summary.some": "No page has every word of {query}{where}. {results} with some of them",
  "search.summary.filter": "{pages}{where}",
  "search.sections": "Sections of “{title}”",
  "search.top_results": "Top results",
  "search.results_label": "Results",
  "search.show_more": "Show more results",
  "search.see_all": "See all {n} results",
  "search.open_page": "Open on the search page",
  "search.spoken_top": "Top {n} below; press Down arrow to reach them.",
  "search.spoken_below": "Below; press Down arrow to reach them.",
  "search.filters.legend": "Topic",
  "search.filters.note": "(pages in each)",
  "search.filters.note_match": "(pages that match)",
  "search.filters.all": "All topics",
  "search.filters.page.one": "page",
  "search.filters.page.other": "pages",
  "search.filters.match.one": "page matches",
  "search.filters.match.other": "pages match",
  "search.stop_words":
    "a an and are as at be but by can could do does did for from had has have how i if im in is it its " +
    "me my of on or should so that the them then there this to was we what when where which who why " +
    "will with would you your",
};

const STRINGS = (() => {
  try {
    const block = document.getElementById("tend-strings");
    return { ...ENGLISH, ...(block ? JSON.parse(block.textContent) : {}) };
  } catch {
    return ENGLISH;
  }
})();

/** `key`'s words with each {name} replaced by values[name], as a list of strings and
 * nodes (a value may be a link), ready for append(). */
function sayParts(key, values = {}) {
  const text = typeof STRINGS[key] === "string" ? STRINGS[key] : ENGLISH[key];
  return text
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part);
      return name && Object.prototype.hasOwnProperty.call(values, name[1]) ? values[name[1]] : part;
    });
}

/** `key`'s words as text, with each {name} replaced by values[name]. */
function say(key, values = {}) {
  return sayParts(key, values).join("");
}

/** The singular (`key`.one) or plural (`key`.other) words for `n`, with {n} filled in. */
function plural(key, n) {
  return say(`${key}.${n === 1 ? "one" : "other"}`, { n });
}

/* Changes to Pagefind's ranking (its defaults: termSimilarity 1, pageLength 0.75,
 * termSaturation 1.4, termFrequency 1). Empty: on tests/e2e/relevance.json no setting did
 * better than the defaults (see themes/README.md, "Search"). */
export const RANKING = {};

const HEADER_LIMIT = 5;
const PAGE_SIZE = 10;
const SUB_RESULTS = 3;

/* Little words that say nothing about what a reader wants. Pagefind wants every word of
 * a query on a page, so they are left out of a query that has other words. */
const STOP_WORDS = new Set(say("search.stop_words").toLowerCase().split(/\s+/).filter(Boolean));

function withSlash(path) {
  return path.endsWith("/") ? path : path + "/";
}

/* ---------- Pagefind ---------- */

let loading = null;

/** Loads and starts Pagefind once; a failed load may be tried again. */
export function loadPagefind() {
  if (!loading) {
    loading = (async () => {
      const pagefind = await import(BASE + "pagefind/pagefind.js");
      const options = { baseUrl: BASE, noWorker: true };
      if (Object.keys(RANKING).length) options.ranking = RANKING;
      await pagefind.options(options);
      await pagefind.init();
      return pagefind;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * Searches for `query`, narrowed by `filters` ({ topic: ["…"] }).
 *
 * Resolves to { results, mode, query } — `results` are Pagefind's (each with `data()`),
 * `query` the words that were searched for — or to null when a newer search replaced this
 * one (`debounce`, or `stale()` turning true). `mode`:
 *   "all"     pages with every word;
 *   "similar" a word is on no page (a typo, usually), so it was shortened to the longest
 *             beginning that some page has ("masage" → "mas", which finds "massage");
 *   "some"    no page has every word, so these pages have some of them, most words first;
 *   "filter"  no words: every page in the filter;
 *   "empty"   nothing to search for; "none" nothing found.
 */
export async function find(query, { filters = {}, debounce = false, stale = () => false } = {}) {
  const pagefind = await loadPagefind();
  const options = { filters };
  const text = String(query || "").trim();
  if (!text) {
    if (!Object.values(filters).some((values) => values && values.length)) return { results: [], mode: "empty", query: "" };
    const all = await pagefind.search(null, options);
    return stale() ? null : { results: all.results, mode: "filter", query: "" };
  }
  const first = debounce ? await pagefind.debouncedSearch(text, options) : await pagefind.search(text, options);
  if (!first || stale()) return null;
  // "Words in quotes" are Pagefind's exact phrase search: taken as they are.
  if (text.includes('"')) return { results: first.results, mode: first.results.length ? "all" : "none", query: text };

  // Pagefind wants every word on a page, so little words ("should i wash after sex") keep
  // out pages that answer the question: they are left out when other words remain.
  // Pagefind also quietly drops a word that no page has, or matches the longest word that
  // begins it ("cudling" finds the "C" of "hepatitis C"). So each word is looked up on its
  // own, in the whole guide, and a word no page has is shortened until one does.
  const words = [...new Set(text.toLowerCase().replace(/['’]/g, "").match(/[\p{L}\p{N}]+/gu) || [])];
  const meaningful = words.filter((word) => !STOP_WORDS.has(word));
  const kept = [];
  let shortened = false;
  let dropped = meaningful.length > 0 && meaningful.length < words.length;
  for (const word of meaningful.length ? meaningful : words) {
    const used = STOP_WORDS.has(word) ? word : await lookUp(pagefind, word);
    if (stale()) return null;
    if (used === null) dropped = true;
    else {
      if (used !== word) shortened = true;
      kept.push(used);
    }
  }
  if (!kept.length) return { results: [], mode: "none", query: text };
  const corrected = kept.join(" ");
  let best = first;
  if (shortened || dropped) {
    best = await pagefind.search(corrected, options);
    if (stale()) return null;
  }
  if (best.results.length) return { results: best.results, mode: shortened ? "similar" : "all", query: corrected };

  // No page has every word: pages with the most of them first, then by summed score.
  const merged = new Map();
  const useful = kept.filter((word) => !STOP_WORDS.has(word));
  for (const word of useful.length ? useful : kept) {
    for (const result of (await pagefind.search(word, options)).results) {
      const seen = merged.get(result.id);
      if (seen) {
        seen.hits += 1;
        seen.score += result.score;
      } else {
        merged.set(result.id, { result, hits: 1, score: result.score });
      }
    }
  }
  if (stale()) return null;
  const results = [...merged.values()].sort((a, b) => b.hits - a.hits || b.score - a.score).map((m) => m.result);
  return { results, mode: results.length ? "some" : "none", query: corrected };
}

/** `word`, or the longest beginning of it (3 letters at least) that some page has a
 * word starting with, or null. */
async function lookUp(pagefind, word) {
  for (let n = word.length; n >= Math.min(3, word.length); n--) {
    const part = word.slice(0, n);
    const results = (await pagefind.search(part)).results;
    if (results.length && (await startsAWord(results[0], part))) return part;
  }
  return null;
}

/** Whether `result` matched words that begin with `part` (give or take Pagefind's
 * stemming), rather than only a shorter word that `part` begins with, which is Pagefind's
 * last resort for a word it does not know. */
async function startsAWord(result, part) {
  const data = await result.data();
  const words = String(data.content || "").split(/\s+/);
  return (data.locations || []).some((at) => {
    const word = (words[at] || "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    return word && !(part.startsWith(word) && word.length < part.length);
  });
}

/* ---------- "Did you mean …?" ---------- */

let vocabulary = null;

/** The site's words, most used first (words.txt beside the search page, which tend writes
 * with the index);
 * loaded once, the first time a query finds nothing or only similar words. */
function loadVocabulary() {
  if (!vocabulary) {
    vocabulary = fetch(SEARCH_PAGE + "words.txt")
      .then((response) => (response.ok ? response.text() : ""))
      .then((text) => text.split("\n").filter(Boolean));
    vocabulary.catch(() => {
      vocabulary = null;
    });
  }
  return vocabulary;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`, or
 * `max + 1` as soon as it is certain to be more than `max`. */
export function editDistance(a, b, max = Infinity) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

/** `query` with each word the site does not use (4 letters or more) replaced by the
 * closest word it does (1 edit for words up to 5 letters, 2 for longer ones; the most
 * used wins a tie), or null when nothing changed. */
export async function suggest(query) {
  const words = await loadVocabulary();
  const known = new Set(words);
  let changed = false;
  const fixed = String(query || "")
    .toLowerCase()
    .replace(/[\p{L}]+/gu, (word) => {
      if (word.length < 4 || known.has(word) || STOP_WORDS.has(word)) return word;
      const max = word.length <= 5 ? 1 : 2;
      let best = null;
      let bestDistance = max + 1;
      for (const candidate of words) {
        const d = editDistance(word, candidate, bestDistance - 1);
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
          if (d === 1) break;
        }
      }
      if (!best) return word;
      changed = true;
      return best;
    });
  return changed ? fixed.trim() : null;
}

/** "Did you mean <a>…</a>?" for `suggestion`, or nothing. */
function didYouMean(suggestion, onChoose) {
  if (!suggestion) return [];
  const a = link(`${SEARCH_PAGE}?q=${encodeURIComponent(suggestion)}`, "search-suggestion-link", suggestion);
  if (onChoose) {
    a.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onChoose(suggestion);
    });
  }
  return [" ", ...sayParts("search.did_you_mean", { suggestion: a })];
}

/** A suggestion for a search that found nothing, or only pages for similar words. */
async function suggestionFor(found, query) {
  if (!found || (found.mode !== "none" && found.mode !== "similar")) return null;
  try {
    return await suggest(query);
  } catch {
    return null;
  }
}

/* ---------- Rendering ---------- */

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decode(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** Pagefind's excerpt (escaped text with <mark> around matches) as DOM nodes, never as HTML. */
function excerpt(html) {
  const fragment = document.createDocumentFragment();
  let marked = false;
  for (const part of String(html || "").split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) {
      const text = document.createTextNode(decode(part.replace(/<[^>]*>/g, "")));
      if (marked) {
        const mark = document.createElement("mark");
        mark.append(text);
        fragment.append(mark);
      } else {
        fragment.append(text);
      }
    }
  }
  return fragment;
}

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function link(href, className, ...children) {
  const a = el("a", className, ...children);
  a.href = href;
  return a;
}

/* tend adds a "Related words" line (synonyms from site.yaml) to the indexed copy of a page,
 * at its end. When only that line matched, Pagefind's excerpt is a bare list of words, and
 * the page's last section looks like a match. Such excerpts are left out: the page shows
 * its description instead, and the section is not offered. */
function isWordList(html) {
  const text = decode(String(html || "").replace(/<[^>]*>/g, ""));
  const words = text.split(/\s+/).filter(Boolean).length;
  const commas = (text.match(/,/g) || []).length;
  return words >= 8 && commas / words > 0.25;
}

/** The sections of a page that matched best (at most 3, in page order), without the one
 * that is the page itself. */
function subResults(data) {
  const page = data.url.split("#")[0];
  const weight = (sub) =>
    (sub.weighted_locations || []).reduce((sum, l) => sum + (l.balanced_score || l.weight || 1), 0) ||
    (sub.locations || []).length;
  return (data.sub_results || [])
    .map((sub, at) => ({ sub, at, weight: weight(sub) }))
    .filter(({ sub }) => sub.url && sub.url.includes("#") && sub.url.split("#")[0] === page && !isWordList(sub.excerpt))
    .sort((a, b) => b.weight - a.weight || a.at - b.at)
    .slice(0, SUB_RESULTS)
    .sort((a, b) => a.at - b.at)
    .map(({ sub }) => sub);
}

/** One result: the title as a link (a heading on /search/), the topic, the excerpt and the
 * matching sections. */
function renderResult(data, { heading, sectionExcerpts }) {
  const title = (data.meta && data.meta.title) || data.url;
  const titleLink = link(data.url, "search-result-link", title);
  const item = el("li", "search-result", heading ? el(heading, "search-result-title", titleLink) : el("p", "search-result-title", titleLink));
  if (data.meta && data.meta.topic) item.append(el("p", "search-result-topic", data.meta.topic));
  if (data.excerpt && !isWordList(data.excerpt)) item.append(el("p", "search-result-excerpt", excerpt(data.excerpt)));
  else if (data.meta && data.meta.description) item.append(el("p", "search-result-excerpt", data.meta.description));
  const subs = subResults(data);
  if (subs.length) {
    const list = el("ul", "search-subresults");
    list.setAttribute("aria-label", say("search.sections", { title }));
    for (const sub of subs) {
      const li = el("li", "", link(sub.url, "search-subresult-link", sub.title || title));
      if (sectionExcerpts && sub.excerpt) li.append(el("p", "search-result-excerpt", excerpt(sub.excerpt)));
      list.append(li);
    }
    item.append(list);
  }
  return item;
}

/** What the reader is told about a search, in words. */
function summary(found, asked, topic) {
  const n = found.results.length;
  const values = {
    where: topic ? ` ${say("search.in_topic", { topic })}` : "",
    query: say("search.quoted", { query: asked }),
    results: plural("search.results", n),
    pages: plural("count.pages", n),
  };
  const mode = ["filter", "similar", "some", "none"].includes(found.mode) ? found.mode : "all";
  return say(`search.summary.${mode}`, values);
}

/** "Browse all topics instead." with the link, after a space. */
function browseInstead(browseUrl) {
  return [" ", ...sayParts("search.browse_instead", { link: link(browseUrl, "", say("search.browse_all")) })];
}

/* ---------- Keyboard: arrows between the links of a list of results ---------- */

function arrowKeys(container, input, reopen = () => {}) {
  container.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const links = [...container.querySelectorAll("a[href]")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown") (links[at + 1] || links[at]).focus();
    else if (at === 0) input.focus();
    else links[at - 1].focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" || event.altKey || event.ctrlKey || event.metaKey) return;
    const first = container.querySelector("a[href]");
    if (!first) return;
    event.preventDefault();
    reopen();
    first.focus();
  });
}

/* ---------- The header box ---------- */

function headerSearch() {
  const form = region && region.querySelector("form.search-form");
  const input = form && form.querySelector('input[type="search"]');
  const panel = form && form.querySelector(".search-panel");
  const status = form && form.querySelector("[data-search-status]");
  if (!input || !panel || !status) return null;

  const browseUrl = region.dataset.browse || BASE;
  let seq = 0;
  let announceTimer = 0;
  let failed = false;
  let quiet = false; // focus coming back with Escape: keep the panel closed

  function open() {
    panel.hidden = false;
  }
  function close() {
    panel.hidden = true;
  }
  function announce(text) {
    clearTimeout(announceTimer);
    // After a pause in typing, so a screen reader is not talked over on every key.
    announceTimer = setTimeout(() => {
      status.textContent = text;
    }, 700);
  }

  function showFailure() {
    failed = true;
    panel.replaceChildren(
      el("p", "search-panel-note", say("search.unavailable"), ...browseInstead(browseUrl)),
    );
    open();
    announce(say("search.unavailable"));
  }

  async function run() {
    const mine = ++seq;
    const query = input.value.trim();
    if (!query) {
      clearTimeout(announceTimer);
      status.textContent = "";
      panel.replaceChildren();
      delete panel.dataset.query;
      close();
      return;
    }
    let found;
    try {
      found = await find(query, { debounce: true, stale: () => mine !== seq });
    } catch (error) {
      if (mine === seq) showFailure();
      return;
    }
    if (!found || mine !== seq) return;
    const suggestion = await suggestionFor(found, query);
    if (mine !== seq) return;
    const shown = found.results.slice(0, HEADER_LIMIT);
    const datas = await Promise.all(shown.map((r) => r.data()));
    if (mine !== seq) return;
    const all = `${SEARCH_PAGE}?q=${encodeURIComponent(query)}`;
    const children = [];
    const said = summary(found, query);
    if (found.mode === "similar" || found.mode === "some") children.push(el("p", "search-panel-note", suggestion ? `${said}.` : `${said}:`, ...didYouMean(suggestion)));
    if (datas.length) {
      const list = el("ul", "search-results");
      list.setAttribute("aria-label", say("search.top_results"));
      for (const data of datas) list.append(renderResult(data, { heading: null, sectionExcerpts: false }));
      children.push(list);
      const more = found.results.length > shown.length ? say("search.see_all", { n: found.results.length }) : say("search.open_page");
      children.push(el("p", "search-panel-all", link(all, "search-all-link", more)));
    } else {
      const instead = suggestion ? didYouMean(suggestion) : browseInstead(browseUrl);
      children.push(el("p", "search-panel-note", `${summary({ results: [], mode: "none" }, query)}.`, ...instead));
    }
    panel.replaceChildren(...children);
    panel.dataset.query = query;
    open();
    let spoken = summary(found, query);
    if (suggestion) spoken += `. ${say("search.did_you_mean", { suggestion })}`;
    if (datas.length) spoken += `. ${datas.length < found.results.length ? say("search.spoken_top", { n: datas.length }) : say("search.spoken_below")}`;
    announce(spoken);
  }

  input.addEventListener("focus", () => {
    loadPagefind().catch(() => {
      failed = true; // Enter then goes to the list of every topic instead of /search/
    });
    if (!quiet && input.value.trim() && panel.childElementCount) open();
  });
  input.addEventListener("input", run);
  form.addEventListener("submit", (event) => {
    const query = input.value.trim();
    if (failed) {
      event.preventDefault();
      window.location.assign(browseUrl);
    } else if (!query) {
      event.preventDefault();
    }
    // Otherwise the form opens /search/?q=… by itself.
  });
  arrowKeys(panel, input, open);
  region.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden) return;
    event.preventDefault(); // also keeps the box's text (Escape clears a search field)
    event.stopPropagation();
    close();
    quiet = true;
    input.focus();
    quiet = false;
  });
  region.addEventListener("focusout", (event) => {
    if (!event.relatedTarget || !region.contains(event.relatedTarget)) close();
  });
  document.addEventListener("click", (event) => {
    if (!region.contains(event.target)) close();
  });
  close();
  return input;
}

/* ---------- The /search/ page ---------- */

function searchPage() {
  const form = pageRoot && pageRoot.querySelector("form.search-page-form");
  const input = form && form.querySelector('input[type="search"]');
  const status = pageRoot && pageRoot.querySelector("[data-search-status]");
  const output = pageRoot && pageRoot.querySelector(".search-page-results");
  const filterBox = pageRoot && pageRoot.querySelector("[data-search-filters]");
  if (!input || !status || !output) return null;

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  let topic = params.get("topic") || "";
  const browseUrl = pageRoot.dataset.browse || BASE;
  const pageTitle = document.title;
  let seq = 0;
  let current = null;
  let radios = [];

  const list = el("ol", "search-results");
  list.setAttribute("aria-label", say("search.results_label"));
  const moreButton = el("button", "button search-show-more", say("search.show_more"));
  moreButton.type = "button";
  moreButton.hidden = true;
  output.replaceChildren(list, moreButton);
  arrowKeys(list, input);

  function syncAddress() {
    const query = input.value.trim();
    const next = new URLSearchParams();
    if (query) next.set("q", query);
    if (topic) next.set("topic", topic);
    const search = next.toString();
    history.replaceState(history.state, "", window.location.pathname + (search ? `?${search}` : "") + window.location.hash);
    document.title = query ? `${query} – ${pageTitle}` : pageTitle;
  }

  async function showMore(focusFirst) {
    if (!current) return;
    const mine = seq;
    const slice = current.found.results.slice(current.shown, current.shown + PAGE_SIZE);
    const datas = await Promise.all(slice.map((r) => r.data()));
    if (mine !== seq) return;
    const items = datas.map((data) => renderResult(data, { heading: "h2", sectionExcerpts: true }));
    list.append(...items);
    current.shown += slice.length;
    moreButton.hidden = current.shown >= current.found.results.length;
    if (focusFirst && items[0]) items[0].querySelector("a").focus();
  }

  async function run({ debounce }) {
    const mine = ++seq;
    syncAddress();
    const query = input.value.trim();
    const filters = topic ? { topic: [topic] } : {};
    let found;
    try {
      found = await find(query, { filters, debounce, stale: () => mine !== seq });
    } catch (error) {
      if (mine !== seq) return;
      status.replaceChildren(say("search.unavailable"), ...browseInstead(browseUrl));
      list.replaceChildren();
      moreButton.hidden = true;
      return;
    }
    if (!found || mine !== seq) return;
    const suggestion = await suggestionFor(found, query);
    if (mine !== seq) return;
    list.replaceChildren();
    current = { found, shown: 0 };
    await showMore(false);
    if (mine !== seq) return;
    status.textContent = found.mode === "empty" ? "" : `${summary(found, query, topic)}.`;
    output.dataset.query = query;
    output.dataset.topic = topic;
    if (suggestion) {
      status.append(
        ...didYouMean(suggestion, (words) => {
          input.value = words;
          run({ debounce: false });
        }),
      );
    } else if (found.mode === "none") {
      status.append(...browseInstead(browseUrl));
    }
    countTopics(found.mode === "empty" || found.mode === "filter" ? "" : query, mine).catch(() => {});
  }

  /* The topic chips. The theme renders them (partials/search-filters.html) with each
   * topic's number of pages, so they are in place before Pagefind loads; a template
   * without them gets them built here from Pagefind's counts. */
  function useChips() {
    radios = filterBox ? [...filterBox.querySelectorAll('input[name="topic"]')] : [];
    if (!radios.length) return false;
    if (!radios.some((radio) => radio.value === topic)) topic = "";
    for (const radio of radios) radio.checked = radio.value === topic;
    return true;
  }

  async function buildFilters() {
    if (!filterBox) return;
    const pagefind = await loadPagefind();
    const all = await pagefind.filters();
    const counts = (all && all.topic) || {};
    const names = Object.keys(counts);
    if (!names.length) return;
    // The site's own order of topics (the page lists them), then any others by name.
    const order = [...document.querySelectorAll("[data-topic]")].map((a) => a.dataset.topic);
    names.sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? 1e6 : ia) - (ib < 0 ? 1e6 : ib) || a.localeCompare(b);
    });
    const fieldset = el("fieldset", "search-filters");
    const note = el("span", "search-filters-note", say("search.filters.note"));
    note.dataset.searchFiltersNote = "";
    fieldset.append(el("legend", "search-filters-legend", `${say("search.filters.legend")} `, note));
    const group = el("div", "search-filter-options");
    const option = (value, label, count) => {
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "topic";
      radio.value = value;
      radio.className = "search-filter-radio";
      const parts = [radio, el("span", "search-filter-name", label)];
      if (count !== null) {
        const number = el("span", "", String(count));
        number.dataset.count = "";
        const unit = el("span", "visually-hidden", ` ${say(`search.filters.page.${count === 1 ? "one" : "other"}`)}`);
        unit.dataset.countUnit = "";
        parts.push(el("span", "search-filter-count", number, unit));
      }
      group.append(el("label", "search-filter", ...parts));
    };
    option("", say("search.filters.all"), null);
    for (const name of names) option(name, name, counts[name]);
    fieldset.append(group);
    filterBox.replaceChildren(fieldset);
    useChips();
  }

  /* Each chip's number: with no query, the pages of the topic; with a query, how many of
   * them match it, which is the number of results choosing the chip shows (each result
   * is one page). */
  const totals = new Map();
  async function countTopics(query, mine) {
    if (!filterBox) return;
    const chips = radios.filter((radio) => radio.value && radio.closest("label").querySelector("[data-count]"));
    for (const radio of chips) {
      const number = radio.closest("label").querySelector("[data-count]");
      if (!totals.has(radio.value)) totals.set(radio.value, number.textContent);
    }
    const counts = new Map();
    for (const radio of chips) {
      if (!query) {
        counts.set(radio.value, Number(totals.get(radio.value)));
        continue;
      }
      const found = await find(query, { filters: { topic: [radio.value] }, stale: () => mine !== seq });
      if (!found || mine !== seq) return;
      counts.set(radio.value, found.results.length);
    }
    for (const radio of chips) {
      const label = radio.closest("label");
      const n = counts.get(radio.value);
      label.querySelector("[data-count]").textContent = String(n);
      const unit = label.querySelector("[data-count-unit]");
      if (unit) unit.textContent = ` ${say(`search.filters.${query ? "match" : "page"}.${n === 1 ? "one" : "other"}`)}`;
      label.classList.toggle("search-filter-none", n === 0);
    }
    const note = filterBox.querySelector("[data-search-filters-note]");
    if (note) note.textContent = say(query ? "search.filters.note_match" : "search.filters.note");
    filterBox.dataset.counted = query;
  }

  filterBox?.addEventListener("change", (event) => {
    if (!event.target.matches('input[name="topic"]')) return;
    topic = event.target.value;
    run({ debounce: false });
  });

  input.addEventListener("input", () => run({ debounce: true }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run({ debounce: false });
  });
  moreButton.addEventListener("click", () => showMore(true));

  (useChips() ? Promise.resolve() : buildFilters().catch(() => {})).then(() => run({ debounce: false }));
  return input;
}

/* ---------- Start ---------- */

const headerInput = headerSearch();
const pageInput = searchPage();

// "/" focuses the search box (the page's own on /search/), unless the reader is typing;
// Ctrl+K (Cmd+K on a Mac) does too, from anywhere, as on many documentation sites.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey) return;
  const commandK = (event.ctrlKey || event.metaKey) && !event.shiftKey && (event.key === "k" || event.key === "K");
  if (!commandK) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && target.closest && target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
  }
  const box = pageInput || headerInput;
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
