// Small accessibility fixes to Material's theme. Checked in a real browser by tests/test_browser.py.
(function () {
  "use strict";

  // Material's search panel is a dialog without a name (axe: aria-dialog-name); give it one.
  document.querySelectorAll('.md-search[role="dialog"]').forEach(function (el) {
    el.setAttribute("aria-label", "Search this guidance");
  });

  // The search results' scroll area is a tab stop (Material's results are reached with the arrow
  // keys, not Tab) even while it holds no results, where focus would vanish into a 0 px box. Make it
  // a tab stop only while it has results to scroll. (While the search is closed site.css hides it.)
  document.querySelectorAll(".md-search__scrollwrap").forEach(function (wrap) {
    var list = wrap.querySelector(".md-search-result__list");
    function sync() {
      wrap.setAttribute("tabindex", list && list.children.length ? "0" : "-1");
    }
    sync();
    if (list && window.MutationObserver) new MutationObserver(sync).observe(list, { childList: true });
  });

  // Material draws the header's menu and search buttons as <label for="…"> of hidden checkboxes:
  // a mouse can use them but the keyboard cannot reach them, so at narrow widths keyboard users
  // could not open the navigation or the search. Put a real <button> in each one's place (the
  // label stays, hidden, for Material's own scripts and styles; clicking it does what it always did).
  function headerButton(label, name, modifier) {
    var box = document.getElementById(label.htmlFor);
    if (!box) return null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon sg-header-button sg-header-button--" + modifier;
    button.setAttribute("aria-label", name);
    button.innerHTML = label.innerHTML;
    button.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
    function sync() { button.setAttribute("aria-expanded", box.checked ? "true" : "false"); }
    sync();
    box.addEventListener("change", sync);
    button.addEventListener("click", function () { label.click(); sync(); });
    label.classList.add("sg-replaced");
    label.after(button);
    return { button: button, box: box };
  }

  // At narrow widths the navigation is a drawer of sliding sub-menus, opened by <label>s that only
  // the mouse can reach (Material's own Enter key handler clicks a focused label, so a tab stop is
  // all they lack). Give those labels a tab stop there, move focus into what opens, and back.
  var narrow = window.matchMedia("(max-width: 76.234375em)");
  var sidebar = document.querySelector(".md-sidebar--primary");
  var navLabels = sidebar ? sidebar.querySelectorAll(
    "label.md-nav__link[for], .md-nav .md-nav__title[for]:not([for='__drawer'])") : [];
  function syncNavLabels() {
    navLabels.forEach(function (label) {
      if (narrow.matches) label.setAttribute("tabindex", "0");
      else if (!label.hasAttribute("data-sg-tabindex")) label.removeAttribute("tabindex");
      else label.setAttribute("tabindex", label.getAttribute("data-sg-tabindex"));
    });
  }
  navLabels.forEach(function (label) {
    if (label.getAttribute("tabindex")) label.setAttribute("data-sg-tabindex", label.getAttribute("tabindex"));
  });
  syncNavLabels();
  if (narrow.addEventListener) narrow.addEventListener("change", syncNavLabels);

  function shown(el) {
    return el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
  }
  function firstShown(root) {
    var all = root.querySelectorAll("a[href], [tabindex='0']");
    for (var i = 0; i < all.length; i++) if (shown(all[i])) return all[i];
    return null;
  }
  if (sidebar) {
    sidebar.querySelectorAll("input.md-nav__toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        var active = document.activeElement;
        if (!narrow.matches || !active || active.tagName !== "LABEL" || active.htmlFor !== box.id) return;
        if (box.checked) {
          var menu = box.parentElement.querySelector(":scope > .md-nav");
          var target = menu && firstShown(menu);
          // preventScroll: the sub-menu is still sliding in from the side; scrolling it into view
          // now would leave the drawer scrolled sideways once it arrives.
          if (target) target.focus({ preventScroll: true });
        } else {
          var opener = box.parentElement.querySelector(":scope > label.md-nav__link[for='" + box.id + "']");
          if (opener) opener.focus();
        }
      });
    });
  }

  var drawerLabel = document.querySelector('.md-header label.md-header__button[for="__drawer"]');
  var menu = drawerLabel && headerButton(drawerLabel, "Menu", "menu");
  if (menu) {
    // Opening the drawer from the keyboard moves focus into it (to the open sub-menu) ...
    menu.button.addEventListener("click", function (ev) {
      if (ev.detail !== 0 || !menu.box.checked || !sidebar) return; // ev.detail 0: keyboard
      var first = firstShown(sidebar);
      if (first) first.focus({ preventScroll: true }); // the drawer is still sliding in
    });
    // ... and Escape closes it and puts focus back on the menu button.
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" || !menu.box.checked) return;
      drawerLabel.click();
      menu.button.focus();
    });
    // While it is open over the page (narrow widths) the drawer is modal: Tab and Shift+Tab go
    // round inside it instead of into the page hidden behind it (WCAG 2.4.3, 2.4.11).
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Tab" || !menu.box.checked || !narrow.matches || !sidebar) return;
      var stops = Array.prototype.filter.call(
        sidebar.querySelectorAll("a[href], button, input, [tabindex]:not([tabindex='-1'])"), shown);
      if (!stops.length) return;
      var active = document.activeElement, inside = sidebar.contains(active);
      var edge = ev.shiftKey ? stops[0] : stops[stops.length - 1];
      if (!inside || active === edge) {
        ev.preventDefault();
        (ev.shiftKey ? stops[stops.length - 1] : stops[0]).focus();
      }
    });
  }

  // Material writes autocomplete="off" on its drawer and search toggles so that a browser never
  // brings them back checked (the drawer or search open) on back, forward or reload. That is not
  // valid on a checkbox (hooks/valid_html.py removes it): close them here instead.
  function closeToggles() {
    ["__drawer", "__search"].forEach(function (id) {
      var box = document.getElementById(id);
      if (box && box.checked) {
        box.checked = false;
        box.dispatchEvent(new Event("change"));
      }
    });
  }
  closeToggles();
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) closeToggles(); });

  var searchLabel = document.querySelector('.md-header label.md-header__button[for="__search"]');
  if (searchLabel) headerButton(searchLabel, "Search", "search");

  // A wide table scrolls sideways inside Material's wrapper: keyboard users must be able to focus the
  // wrapper to scroll it (WCAG 2.1.1; axe scrollable-region-focusable). Only while it does scroll.
  function tableName(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return "Table: " + el.textContent.replace(/\s+/g, " ").trim();
    }
    return "Table";
  }
  function markScrollable() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", tableName(wrap) + " (scrolls sideways)");
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  // Material wraps the tables once the page is ready (its document$ observable, which it documents for
  // extra scripts); run after it, and again whenever the window is resized.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(markScrollable);
  } else {
    window.addEventListener("load", markScrollable);
  }
  window.addEventListener("resize", markScrollable);
})();

// A page ages after it is built: a copy read after its next review date (a shared drive, the
// offline zip, a browser's cache) says so, as the build's own notice does for a page already
// overdue when it was built. The date is in the page (kit.build.extension); without JavaScript the
// build-time notice is the fallback. (The pattern of GOV.UK's tech-docs page-expiry.js.)
(function () {
  "use strict";
  function showOverdue() {
    var review = document.querySelector(".sg-review[data-sg-next-review]");
    if (!review || document.querySelector(".sg-overdue")) return;
    var due = review.getAttribute("data-sg-next-review");  // YYYY-MM-DD
    var now = new Date();
    var today = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due) || today <= due) return;
    var shown = review.querySelectorAll("time")[1];
    var note = document.createElement("div");
    note.className = "admonition warning sg-overdue";
    note.setAttribute("role", "note");
    note.innerHTML = '<p class="admonition-title">Overdue for review</p><p></p>';
    note.lastChild.textContent = "This page was due for review on " + (shown ? shown.textContent : due) +
      ". Check it against current policy and law before relying on it.";
    var article = review.closest("article") || review.parentNode;
    var heading = article.querySelector("h1");
    article.insertBefore(note, heading ? heading.nextSibling : article.firstChild);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(showOverdue);
  } else {
    document.addEventListener("DOMContentLoaded", showOverdue);
  }
})();
