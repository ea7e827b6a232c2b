// tend serve: live reload. Injected by the dev server only; never part of a build.
(() => {
  "use strict";
  const script = document.currentScript;
  const base = script ? script.src.replace(/__tend\/live\.js.*$/, "") : "/";
  // The generation of the site this page came from (0: the server had no good build yet).
  // The event stream starts with the generation served now: if they differ, a rebuild
  // happened while this page loaded, and it reloads at once.
  let generation = Number((script && script.dataset.generation) || 0);
  const scrollKey = "tend-scroll:" + location.pathname;

  // Restore the reader's place after a reload we caused. Until it is restored (on `load`),
  // the place to keep is the saved one, not wherever the browser has scrolled meanwhile:
  // a second rebuild can reload the tab again before `load`.
  const saved = sessionStorage.getItem(scrollKey);
  let pending = null;
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    pending = Number(saved);
    const restore = () => {
      window.scrollTo({ top: pending, behavior: "instant" });
      pending = null;
    };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore, { once: true });
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(pending ?? window.scrollY));
    location.reload();
  }

  function swapStyles(paths) {
    const stamp = Date.now();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      const path = url.pathname.slice(new URL(base).pathname.length);
      if (paths.includes(path)) {
        url.searchParams.set("tend", String(stamp));
        link.href = url.toString();
      }
    }
  }

  // The error overlay lives in a shadow root with a stylesheet of its own, so no theme
  // rule reaches inside it; the host element resets everything it could inherit or be
  // given (inline and !important, which outranks the theme's own !important rules).
  // Colours meet WCAG AA (at least 4.5:1) in both schemes. A constructed stylesheet is
  // not an inline <style>, so a theme's Content-Security-Policy does not block it.
  const OVERLAY_CSS = `
    :host { all: initial; }
    .panel {
      box-sizing: border-box; position: fixed; inset: 0; overflow: auto; padding: 2rem;
      background: #ffffff; color: #1a1a1a; text-align: left; direction: ltr;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    }
    h2 { margin: 0 0 0.5rem; font: bold 18px/1.3 system-ui, sans-serif; color: #a4161a; }
    p { margin: 0 0 1rem; color: #1a1a1a; }
    pre {
      margin: 0; padding: 1rem; white-space: pre-wrap; overflow-wrap: anywhere;
      font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      background: #f3f3f3; color: #1a1a1a; border: 1px solid #767676; border-radius: 4px;
    }
    @media (prefers-color-scheme: dark) {
      .panel { background: #181818; color: #f0f0f0; }
      h2 { color: #ffb4a9; }
      p { color: #f0f0f0; }
      pre { background: #0f0f0f; color: #f0f0f0; border-color: #8a8a8a; }
    }
  `;
  const HOST_STYLE = { all: "initial", display: "block", position: "fixed", inset: "0", "z-index": "2147483647" };

  let overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "tend-error-overlay";
      for (const [name, value] of Object.entries(HOST_STYLE)) overlay.style.setProperty(name, value, "important");
      const shadow = overlay.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(OVERLAY_CSS);
      shadow.adoptedStyleSheets = [sheet];
      const panel = document.createElement("section");
      panel.className = "panel";
      panel.setAttribute("role", "alert");
      const title = document.createElement("h2");
      title.textContent = "tend: the site could not be rebuilt";
      const note = document.createElement("p");
      note.textContent = "You are seeing the last good version. Fix the problem and save; this message goes away by itself.";
      panel.append(title, note, document.createElement("pre"));
      shadow.append(panel);
      document.body.append(overlay);
    }
    overlay.shadowRoot.querySelector("pre").textContent = text;
  }
  function clearError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  const data = (e) => JSON.parse(e.data);
  let events = null;
  function connect() {
    events = new EventSource(base + "__tend/events");
    // The state now, when the stream opens (and again if this tab fell behind).
    events.addEventListener("hello", (e) => {
      const now = data(e);
      if (now.generation !== generation) reload();
      else if (now.error) showError(now.error);
      else clearError();
    });
    events.addEventListener("reload", (e) => { if (data(e).generation !== generation) reload(); });
    events.addEventListener("css", (e) => {
      clearError();
      swapStyles(data(e).paths);
      generation = data(e).generation;
    });
    events.addEventListener("unchanged", clearError);
    events.addEventListener("error", (e) => { if (e.data) showError(data(e)); });
  }
  connect();
  window.addEventListener("pagehide", () => events.close());
  // Back from the back-forward cache: listen again (the stream's hello tells whether
  // the page went stale meanwhile).
  window.addEventListener("pageshow", (e) => { if (e.persisted) connect(); });
})();
