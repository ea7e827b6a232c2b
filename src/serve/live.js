// tend serve: live reload. Injected by the dev server only; never part of a build.
(() => {
  "use strict";
  const script = document.currentScript;
  const base = script ? script.src.replace(/__tend\/live\.js.*$/, "") : "/";
  const scrollKey = "tend-scroll:" + location.pathname;

  // Restore the reader's place after a reload we caused.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const y = Number(saved);
    const restore = () => window.scrollTo({ top: y, behavior: "instant" });
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore, { once: true });
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
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

  let overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "tend-error-overlay";
      overlay.setAttribute("role", "alert");
      const s = overlay.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(20, 20, 20, 0.94)"; s.color = "#fff"; s.padding = "2rem";
      s.font = "15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
      const title = document.createElement("h2");
      title.textContent = "tend: the site could not be rebuilt";
      title.style.margin = "0 0 0.5rem"; title.style.font = "bold 18px system-ui, sans-serif"; title.style.color = "#ffb4a9";
      const note = document.createElement("p");
      note.textContent = "You are seeing the last good version. Fix the problem and save; this message goes away by itself.";
      note.style.font = "15px system-ui, sans-serif";
      const pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      overlay.append(title, note, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function clearError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  const events = new EventSource(base + "__tend/events");
  events.addEventListener("reload", reload);
  events.addEventListener("css", (e) => { clearError(); swapStyles(JSON.parse(e.data)); });
  events.addEventListener("unchanged", clearError);
  events.addEventListener("error", (e) => { if (e.data) showError(JSON.parse(e.data)); });
  window.addEventListener("pagehide", () => events.close());
})();
