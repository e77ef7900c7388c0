"""The built site in a real browser (Debian's Chromium through Playwright): WCAG 2.2 AA with axe-core
on every page at 1280 px and 320 px, keyboard use, privacy (no request leaves 127.0.0.1), search,
printing, the checklist and policy builder, and the offline zip opened from file://.

    .venv/bin/python -m pytest tests/test_browser.py -q

Needs /usr/bin/chromium (`apt-get install -y chromium`); never `playwright install`.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from pypdf import PdfReader

from kit.build.offline import folder_name, make_offline_zip
from kit.outputs import OFFLINE_ZIP as ZIP_PATH
from tests.browser_support import (
    WIDTHS, RequestLog, built_pages, format_violations, is_local, run_axe,
    source_pages,
)

PAGES = source_pages()
TOPIC_PAGE = "topics/live-streaming.html"
HEIGHTS = {1280: 900, 320: 640}

# Focus is visible: an outline or a box-shadow on the focused element, and the element on screen.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const top = document.elementFromPoint(Math.min(Math.max(x, 0), innerWidth - 1), Math.min(Math.max(y, 0), innerHeight - 1));
  return {
    tag: el.tagName, cls: String(el.className || ''), text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    id: el.id, width: r.width, height: r.height,
    inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    onTop: !!top && (top === el || el.contains(top) || top.contains(el)),
    visibility: cs.visibility, opacity: parseFloat(cs.opacity),
    outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
    shadow: cs.boxShadow !== 'none',
    inContent: !!el.closest('#sg-content'),
  };
}"""


# FOCUS_STATE, with the focused element (only it) marked in the same step, so that a later look
# finds it even if it has let focus go in between.
MARKED_FOCUS_STATE = ("() => { document.querySelectorAll('[data-sg-settling]').forEach(e => e.removeAttribute('data-sg-settling'));"
                      " const el = document.activeElement; if (el && el !== document.body) el.setAttribute('data-sg-settling', '');"
                      " return (" + FOCUS_STATE + ")(); }")

# The element that held focus while settling is now hidden and out of the tab order, so nothing
# invisible holds focus: Material's Back to top button blurs itself when it hides.
GAVE_UP_FOCUS = """() => {
  const el = document.querySelector('[data-sg-settling]');
  if (!el) return false;
  el.removeAttribute('data-sg-settling');
  return (el.hidden || el.getClientRects().length === 0) && el.tabIndex < 0;
}"""

# Resolves once every transition and finite animation that has started by the next frame has ended
# (a fixed wait is too short on a loaded machine: the skip link was caught at opacity 0.995).
SETTLED = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))).then(() =>
  Promise.all(document.getAnimations()
    .filter(a => a.playState === "running" && a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null)))).then(() => true)"""


# --------------------------------------------------------------------------- fixtures
# `browser` (one Chromium for the session), `base_url` (the built site served) and `offline_copy`
# (its offline zip unzipped): tests/conftest.py.


@pytest.fixture(scope="module")
def axe_tab(browser):
    """One browser tab per width, reused by every page's accessibility check."""
    tabs: dict[int, tuple] = {}

    def get(width: int):
        if width not in tabs:
            context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]})
            tabs[width] = (context, context.new_page(), RequestLog(context))
        return tabs[width][1:]

    yield get
    for context, _page, _log in tabs.values():
        context.close()


@pytest.fixture()
def tab(browser):
    """A fresh tab (own context: clean storage) at a given width; its requests are logged and any
    request to another host is blocked."""
    contexts = []

    def new(width: int = 1280, **options):
        context = browser.new_context(viewport={"width": width, "height": HEIGHTS.get(width, 900)}, **options)
        contexts.append(context)
        log = RequestLog(context)
        return context.new_page(), log

    yield new
    for context in contexts:
        context.close()


def tab_until(page, predicate: str, limit: int = 40) -> dict:
    """Press Tab until the focused element matches the JS `predicate(el)`; returns its focus state."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate}); }})()"):
            return page.evaluate(FOCUS_STATE)
    raise AssertionError(f"Tab never reached an element where {predicate}")


def search(page, query: str) -> list[dict]:
    """Type into the focused search box and wait for results: [{title, href}] in order."""
    page.keyboard.type(query, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link",
        "els => els.map(a => ({title: (a.querySelector('h1, h2') || a).innerText.trim(), href: a.href}))")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


# --------------------------------------------------------------------------- every page
def test_every_built_page_is_checked(site: Path):
    """The pages checked below (known from docs/ before the build) are exactly the built site's pages."""
    assert built_pages(site) == PAGES


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
@pytest.mark.parametrize("rel", PAGES)
def test_axe_no_violations(axe_tab, base_url: str, rel: str, width: int):
    """axe-core (WCAG 2.0, 2.1, 2.2 A and AA, best practice): 0 violations, and no sideways scrolling
    at 320 px (WCAG 1.4.10 reflow)."""
    page, log = axe_tab(width)
    log.clear()
    page.goto(base_url + rel, wait_until="load")
    violations = run_axe(page)
    assert not violations, format_violations(violations, f"{rel} at {width} px")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{rel} at {width} px scrolls sideways by {overflow} px"
    assert not log.outside, f"{rel} asked other hosts:\n" + "\n".join(log.outside)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
def test_404_page_for_a_missing_address_in_a_sub_folder(tab, base_url: str, width: int):
    """A missing address in a sub-folder gets the 404 page (404.html at the site's root is one of
    PAGES above): its styles, scripts and logo load from there too (Material links them from the
    path of site_url, where the site is served), and axe-core finds no violation."""
    page, log = tab(width)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and r.url != base_url + "topics/nope.html" and failed.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(base_url + "topics/nope.html", wait_until="networkidle")
    assert response is not None and response.status == 404
    assert page.inner_text("h1") == "404 - Not found"
    assert not failed, f"the 404 page in a sub-folder could not load: {failed}"
    assert len([u for u in log.urls if u.endswith((".css", ".js", ".svg"))]) >= 5, log.urls
    assert page.evaluate("!!document.querySelector('.sg-header-button')"), "site.js did not run"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    home = page.get_attribute("article a, #sg-content a", "href")
    assert page.goto(urljoin(page.url, home)).ok, f"the home page link {home} goes nowhere"
    page.go_back(wait_until="networkidle")
    violations = run_axe(page)
    assert not violations, format_violations(violations, f"topics/nope.html (the 404 page) at {width} px")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the 404 page at {width} px scrolls sideways by {overflow} px"
    assert not log.outside, log.outside


@pytest.mark.browser
def test_no_request_leaves_the_machine(http_visit, base_url: str):
    """Loading every page and letting it settle (search index, fonts, images) asks nothing of any
    host but 127.0.0.1: no fonts, scripts, analytics or polyfills from elsewhere. (The accessibility
    check above also fails a page that asks another host, at both widths.) The pages are loaded
    once, all at once, for this test and the CSP test (tests/conftest.py `http_visit`)."""
    assert [url.removeprefix(base_url) for url in http_visit.pages] == [*PAGES, "topics/nope.html"]
    assert http_visit.urls, "no request was recorded"
    assert not http_visit.outside, "requests to other hosts:\n" + "\n".join(http_visit.outside)
    assert all(is_local(u) for u in http_visit.urls)


# --------------------------------------------------------------------------- keyboard
@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
def test_skip_link_moves_focus_to_the_content(tab, base_url: str, width: int):
    page, _log = tab(width)
    page.goto(base_url + TOPIC_PAGE)
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STATE)
    assert first and first["tag"] == "A" and first["text"] == "Skip to content", f"first Tab stop: {first}"
    page.evaluate(SETTLED)  # the link slides into view
    first = page.evaluate(FOCUS_STATE)
    assert first["inView"] and first["opacity"] == 1 and (first["outline"] or first["shadow"]), first
    page.keyboard.press("Enter")
    target = page.evaluate(FOCUS_STATE)
    assert target and target["id"] == "sg-content" and target["inContent"], f"focus after the skip link: {target}"
    assert page.evaluate("document.activeElement.querySelector('h1') !== null"), "the content starts with the page title"
    # The next Tab continues from the content, not from the header or navigation.
    page.keyboard.press("Tab")
    after = page.evaluate(FOCUS_STATE)
    assert after["inContent"], f"Tab after the skip link went to {after}"


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
@pytest.mark.parametrize("rel", ["index.html", TOPIC_PAGE, "checklist.html"])
def test_focus_is_always_visible(tab, base_url: str, rel: str, width: int):
    """Tab through the page: every stop is on screen, not covered, and has a focus indicator."""
    page, _log = tab(width)
    page.goto(base_url + rel)
    # Start from the page as it settles: fonts arriving late on a loaded machine move it under the keys.
    page.evaluate("document.fonts.ready.then(() => true)")
    problems, seen = [], 0

    def visible(state: dict) -> bool:
        return (state["width"] > 0 and state["height"] > 0 and state["inView"] and state["onTop"]
                and state["visibility"] == "visible" and (state["outline"] or state["shadow"]))

    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(MARKED_FOCUS_STATE)
        if state is None:
            break
        seen += 1
        if not visible(state):  # perhaps mid-transition (the search overlay fading, a slide): settle
            page.wait_for_timeout(400)  # a control's own script may act on the scroll (Back to top)
            page.evaluate(SETTLED)
            settled = page.evaluate(FOCUS_STATE)
            gave_up = page.evaluate(GAVE_UP_FOCUS)
            if settled is None and gave_up:
                continue  # a control that hid itself and let focus go (Back to top, scrolled away)
            if settled is None or not visible(settled):
                problems.append(settled or {"focus lost from": state})
    assert seen > 5, "hardly anything took keyboard focus"
    assert not problems, f"focus not visible on {rel} at {width} px:\n" + "\n".join(map(str, problems))


@pytest.mark.browser
def test_menu_drawer_works_from_the_keyboard(tab, base_url: str):
    """At 320 px the navigation is a drawer: the menu button opens it, focus goes into it, its
    sub-menus open and close with Enter, Escape closes it and returns focus to the button."""
    page, _log = tab(320)
    page.goto(base_url + "index.html")
    button = tab_until(page, "el.getAttribute('aria-label') === 'Menu'")
    assert button["tag"] == "BUTTON" and button["inView"]
    page.keyboard.press("Enter")
    page.wait_for_timeout(350)
    assert page.evaluate("document.getElementById('__drawer').checked")
    inside = page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    assert inside, "focus did not move into the open drawer"
    section = tab_until(page, "el.matches('label.md-nav__link') && el.innerText.trim() === 'Topics'", 20)
    assert section["inView"] and section["onTop"], section
    page.keyboard.press("Enter")
    page.wait_for_timeout(350)
    now = page.evaluate(FOCUS_STATE)
    assert now["inView"] and now["onTop"] and now["text"].startswith("Topics"), f"after opening Topics: {now}"
    link = tab_until(page, "el.matches('a.md-nav__link')", 5)
    assert link["text"] == "Social networking" and link["onTop"], link
    page.keyboard.press("Escape")
    page.wait_for_timeout(350)
    assert not page.evaluate("document.getElementById('__drawer').checked")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu"


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
def test_search_from_the_keyboard(tab, base_url: str, width: int):
    """Tab to the search (the search box, or at 320 px the search button then Enter), type, arrow
    down to a result, Enter opens it."""
    page, log = tab(width)
    page.goto(base_url + "index.html")
    if width < 960:
        tab_until(page, "el.getAttribute('aria-label') === 'Search' && el.tagName === 'BUTTON'")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.classList.contains('md-search__input')"), \
            "the search button did not put focus in the search box"
    else:
        tab_until(page, "el.classList.contains('md-search__input')")
    titles = [r["title"] for r in search(page, "Bluetooth")]
    assert "Summary of good practice guidelines" in titles, titles
    for _ in range(titles.index("Summary of good practice guidelines") + 1):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate(FOCUS_STATE)
    assert "md-search-result__link" in focused["cls"] and focused["inView"] and focused["onTop"], focused
    assert focused["text"].startswith("Summary of good practice guidelines"), focused
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/good-practice-summary\.html"))
    assert "Bluetooth" in page.inner_text("article")
    assert not log.outside


@pytest.mark.browser
@pytest.mark.parametrize(("query", "title", "rel"), [
    ("Bluetooth", "Summary of good practice guidelines", "good-practice-summary.html"),
    ("webcam", "Live streaming media", TOPIC_PAGE),
])
def test_search_finds_and_opens_the_page(tab, base_url: str, query: str, title: str, rel: str):
    page, log = tab(1280)
    page.goto(base_url + "index.html")
    page.click(".md-search__input")
    results = search(page, query)
    titles = [r["title"] for r in results]
    assert title in titles, f"searching {query!r} found {titles}"
    index = titles.index(title)
    assert urlsplit(results[index]["href"]).path == urlsplit(base_url + rel).path
    page.locator(".md-search-result__item > a.md-search-result__link").nth(index).click()
    page.wait_for_url(re.compile(re.escape(rel)))
    assert page.inner_text("h1") == title
    assert not log.outside


# --------------------------------------------------------------------------- print
@pytest.mark.browser
def test_printed_topic_has_no_chrome_and_keeps_the_labels(tab, base_url: str):
    page, _log = tab(1280)
    page.goto(base_url + TOPIC_PAGE, wait_until="networkidle")
    article = " ".join(page.inner_text("article").split())
    chrome = page.eval_on_selector_all(
        ":is(.md-header, .md-sidebar, .md-footer, .md-search) :is(a, label, button, span, input), .md-skip",
        "els => els.map(x => (x.textContent || x.placeholder || '').replace(/\\s+/g, ' ').trim())")
    # Chrome text that the article itself does not also say (e.g. a nav link to another page).
    chrome = sorted({c for c in chrome if len(c) > 3 and c not in article})
    assert "Skip to content" in chrome and "Search" in chrome and "Table of contents" not in article
    text = pdf_text(page.pdf(format="A4", print_background=True))
    for label in ("Best practice", "Safe practice", "Poor practice"):
        assert label in text, f"the printed page lost the label {label!r}"
    assert "Live streaming media" in text and "web-cam" in text
    leaked = [c for c in chrome + ["Table of contents", "Type to start searching", "Back to top"] if c in text]
    assert not leaked, f"navigation or search text in the printed page: {leaked}"


# --------------------------------------------------------------------------- checklist and builder
@pytest.mark.browser
def test_policy_builder_fills_in_the_organisation(tab, base_url: str):
    page, log = tab(1280)
    page.goto(base_url + "policy/builder.html")
    output = page.locator("#sg-builder-output")
    assert "(Insert name of Organisation)" in output.inner_text()
    page.locator("#sg-builder-organisation").focus()
    page.keyboard.type("Riverside Youth Club", delay=5)
    text = output.inner_text()
    assert "Riverside Youth Club" in text
    assert "(Insert name of Organisation)" not in text
    assert not log.outside


@pytest.mark.browser
def test_checklist_counts_ticks_and_keeps_them_after_reload(tab, base_url: str):
    page, log = tab(1280)
    page.goto(base_url + "checklist.html")
    boxes = page.locator("input.sg-checklist__box[data-sg-item]")
    total = boxes.count()
    assert total >= 6
    done = page.locator("#sg-checklist-done")
    assert done.inner_text() == "0" and page.locator("#sg-checklist-total").inner_text() == str(total)
    boxes.nth(0).check()
    boxes.nth(2).focus()
    page.keyboard.press("Space")  # from the keyboard too
    boxes.nth(total - 1).check()
    assert done.inner_text() == "3"
    page.reload()
    boxes = page.locator("input.sg-checklist__box[data-sg-item]")
    assert page.locator("#sg-checklist-done").inner_text() == "3"
    assert [boxes.nth(i).is_checked() for i in (0, 1, 2, total - 1)] == [True, False, True, True]
    assert not log.outside


# --------------------------------------------------------------------------- offline copy
def test_offline_zip_is_reproducible(site: Path, project, tmp_path: Path):
    archive = site / ZIP_PATH
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    top = folder_name(project.board.short_name)
    assert names == sorted(names)
    assert all(n.startswith(top + "/") for n in names)
    assert len({i.date_time for i in infos}) == 1
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert f"{top}/index.html" in names and f"{top}/search/search_index.js" in names
    assert not any(n.endswith(ZIP_PATH.as_posix()) for n in names), "the zip must not contain itself"
    # Everything else of the site is in it.
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {ZIP_PATH.as_posix()}
    assert {n.removeprefix(top + "/") for n in names} == files
    # Zipping the same site again gives the same bytes.
    again = make_offline_zip(_copy_site(site, tmp_path / "copy"), top)
    assert again.read_bytes() == archive.read_bytes()


def _copy_site(site: Path, dest: Path) -> Path:
    import shutil

    shutil.copytree(site, dest)
    return dest


@pytest.mark.browser
def test_offline_copy_works_from_file(tab, offline_copy: Path):
    """Unzipped and opened from file:// with no server: pages, search and downloads work, and
    nothing is requested from any other machine."""
    page, log = tab(1280)
    page.goto(offline_copy.joinpath("index.html").as_uri())
    assert page.is_visible(".md-search__input"), "the search box is hidden (no search worker from file://)"
    page.click(".md-search__input")
    titles = [r["title"] for r in search(page, "Bluetooth")]
    assert "Summary of good practice guidelines" in titles, titles
    page.locator(".md-search-result__item > a.md-search-result__link").nth(
        titles.index("Summary of good practice guidelines")).click()
    page.wait_for_url(re.compile(r"good-practice-summary\.html"))
    assert "Bluetooth" in page.inner_text("article")
    assert page.url.startswith("file://")

    # The downloads linked from the offline pages are in the zip, are PDFs, and open in the browser.
    pdfs: dict[str, str] = {}
    for rel in ("downloads.html", "posters.html"):
        page.goto(offline_copy.joinpath(rel).as_uri())
        for href in page.eval_on_selector_all("article a[href$='.pdf']", "els => els.map(a => a.href)"):
            pdfs[href] = rel
    guide = [h for h in pdfs if h.endswith("/downloads/guide.pdf")]
    posters = [h for h in pdfs if "/downloads/posters/" in h]
    assert guide, f"the offline copy links no guide PDF (downloads/guide.pdf); PDF links: {sorted(pdfs)}"
    assert posters, f"the offline copy links no poster PDF (downloads/posters/…); PDF links: {sorted(pdfs)}"
    for href in guide + posters[:1] + posters[-1:]:
        assert href.startswith("file://"), href
        path = Path(unquote(urlsplit(href).path))
        assert path.is_file(), f"{pdfs[href]} links {href}, which is not in the zip"
        assert len(PdfReader(path).pages) >= 1
        response = page.goto(href)
        assert response is not None and response.ok, f"Chromium could not open {href}"
    assert log.urls and not log.outside, "requests left the machine:\n" + "\n".join(log.outside)


@pytest.mark.browser
def test_offline_copy_pages_ask_nothing_of_the_network(offline_visits, offline_copy: Path):
    """Every page of the offline copy from file://, at 320 px (and 1280 px), left to settle: no
    request leaves the machine. (tests/conftest.py `offline_visits`, shared with the CSP test.)"""
    pages = {offline_copy.joinpath(rel).as_uri() for rel in PAGES if rel != "404.html"}  # 404.html: served by a web server for any missing address
    for width, visit in offline_visits.items():
        assert set(visit.pages) == pages
        assert not visit.outside, f"at {width} px requests left the machine:\n" + "\n".join(visit.outside)
        remote = [u for u in visit.urls if urlsplit(u).scheme not in ("file", "data", "blob", "about")]
        assert not remote, remote
