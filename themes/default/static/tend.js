/* tend default theme: colour scheme toggle (light, dark, auto) and Quick exit.
 * Loaded as a blocking script in <head> so the saved colour scheme applies before the
 * first paint (the CSP forbids inline scripts). Keep it tiny; everything else waits for
 * the events it needs. Without JavaScript the toggle stays hidden, the system colour
 * scheme applies, and Quick exit is an ordinary link. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "tend-colour-scheme";
  root.classList.add("js");
  // A page opened with a search query (/search/?q=…): its CSS reserves room for the results.
  if (/[?&]q=[^&]/.test(window.location.search)) root.classList.add("has-search-query");

  function load() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function save(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: this page only */ }
  }

  /* The reader's choice: "light", "dark" or "auto" (follow the system, also what a first
   * visit and a page without JavaScript get). The button steps through them: from auto to
   * the scheme the system is not showing (so the first press always changes something),
   * then the other one, then back to auto. */
  var saved = load();
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);

  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function systemScheme() {
    return system && system.matches ? "dark" : "light";
  }
  function choice() {
    return root.getAttribute("data-theme") || "auto";
  }
  function next(current) {
    var other = systemScheme() === "dark" ? "light" : "dark";
    if (current === "auto") return other;
    return current === other ? systemScheme() : "auto";
  }
  /* The words, in the page's language: the page's #tend-strings block (base.html renders
   * it from the theme's i18n files, in <head> before this script), else English. */
  var ENGLISH = {
    "theme.light": "Light",
    "theme.dark": "Dark",
    "theme.auto": "Auto",
    "theme.next.light": "light",
    "theme.next.dark": "dark",
    "theme.next.auto": "auto",
    "theme.hint_auto": ", following the system; press for {next}",
    "theme.hint_chosen": ", chosen; press for {next}",
    "theme.status": "Colours: {state}",
    "theme.auto_as_system": "Auto ({scheme}, as the system)"
  };
  var strings = null;
  function say(key, values) {
    if (!strings) {
      var block = document.getElementById("tend-strings");
      if (block) {
        try { strings = JSON.parse(block.textContent) || {}; } catch (e) { strings = {}; }
      }
    }
    var text = strings && typeof strings[key] === "string" ? strings[key] : ENGLISH[key];
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }
  function describe(state) {
    return state === "auto" ? say("theme.auto_as_system", { scheme: say("theme.next." + systemScheme()) }) : say("theme." + state);
  }
  function sync(announce) {
    var state = choice();
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("data-state", state);
      var label = buttons[i].querySelector("[data-theme-state]");
      if (label) label.textContent = say("theme." + state);
      var hint = buttons[i].querySelector("[data-theme-hint]");
      if (hint) hint.textContent = say(state === "auto" ? "theme.hint_auto" : "theme.hint_chosen", { next: say("theme.next." + next(state)) });
    }
    if (announce) {
      var status = document.querySelector("[data-theme-status]");
      if (status) status.textContent = say("theme.status", { state: describe(state) });
    }
  }
  if (system && system.addEventListener) system.addEventListener("change", function () { sync(false); });
  document.addEventListener("DOMContentLoaded", function () { sync(false); });

  /* Quick exit: replace this page in the tab's history with a neutral site, like
   * GOV.UK's "Exit this page". The page is hidden at once, before the new site loads. */
  function exitLink() {
    return document.querySelector("[data-quick-exit]");
  }
  function quickExit() {
    var link = exitLink();
    if (!link) return;
    root.classList.add("exiting");
    try { document.title = ""; } catch (e) { /* ignore */ }
    window.location.replace(link.href);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    if (target.closest("[data-quick-exit]")) {
      // Also for Ctrl/Cmd-click: a new tab would leave this page open.
      event.preventDefault();
      quickExit();
      return;
    }
    if (target.closest("[data-theme-toggle]")) {
      var state = next(choice());
      if (state === "auto") root.removeAttribute("data-theme");
      else root.setAttribute("data-theme", state);
      save(state);
      sync(true);
    }
  });

  // The phone menu is a <details>: Escape or a click elsewhere closes it.
  function closeMenu(focus) {
    var menu = document.querySelector("details.menu[open]");
    if (!menu) return;
    menu.removeAttribute("open");
    if (focus) menu.querySelector("summary").focus();
  }
  document.addEventListener("click", function (event) {
    var menu = document.querySelector("details.menu[open]");
    if (menu && !menu.contains(event.target)) closeMenu(false);
  });

  // Shift pressed three times within one second. Any other key starts the count again.
  var presses = 0;
  var timer = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      if (event.key === "Escape") closeMenu(true);
      return;
    }
    if (event.repeat || !exitLink()) return;
    presses += 1;
    if (presses === 1) {
      clearTimeout(timer);
      timer = setTimeout(function () { presses = 0; }, 1000);
    }
    if (presses >= 3) {
      presses = 0;
      clearTimeout(timer);
      quickExit();
    }
  });

  // Coming back to a hidden page from the back/forward cache: show it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) root.classList.remove("exiting");
  });
})();
