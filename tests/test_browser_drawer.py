"""The navigation drawer (narrow screens) is modal for the keyboard: while it is open, Tab and
Shift+Tab go round inside it, and Escape closes it and puts focus back on the menu button
(docs/assets/javascripts/site.js). In Debian's Chromium through Playwright, as tests/test_browser.py.

    .venv/bin/python -m pytest tests/test_browser_drawer.py -q
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import serve, site_prefix

# Which element has focus (a number given to each element the first time it is seen), and where it is.
FOCUS = """() => {
  const el = document.activeElement;
  window.__sgIds = window.__sgIds || new Map();
  if (!window.__sgIds.has(el)) window.__sgIds.set(el, window.__sgIds.size);
  const r = el.getBoundingClientRect();
  return {id: window.__sgIds.get(el), tag: el.tagName, text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          inDrawer: !!el.closest('.md-sidebar--primary'), inView: r.width > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight,
          open: document.getElementById('__drawer').checked};
}"""


@pytest.fixture(scope="module")
def narrow_page(browser, site: Path, project):
    with serve(site, site_prefix(project.board.site_url)) as base:
        context = browser.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.goto(base + "index.html")
        yield page
        context.close()


def open_drawer(page) -> dict:
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu":
            break
    else:
        raise AssertionError("Tab never reached the menu button")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)  # the drawer slides in
    state = page.evaluate(FOCUS)
    assert state["open"] and state["inDrawer"], f"Enter on the menu button did not open the drawer and move focus into it: {state}"
    return state


def go_round(page, key: str, limit: int = 80) -> list[dict]:
    """Press `key` until focus is back where it started; every stop on the way is in the open drawer."""
    start = page.evaluate(FOCUS)
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        state = page.evaluate(FOCUS)
        assert state["open"], f"{key} closed the drawer"
        assert state["inDrawer"], f"{key} took focus out of the open drawer, to {state} (after {[s['text'] for s in stops]})"
        assert state["inView"], f"{key} moved focus to something not on screen: {state}"
        stops.append(state)
        if state["id"] == start["id"]:
            return stops
    raise AssertionError(f"{key} never came back to {start['text']!r} in {limit} presses")


@pytest.mark.browser
def test_tab_and_shift_tab_stay_in_the_open_drawer_and_escape_returns_to_the_menu(narrow_page) -> None:
    page = narrow_page
    open_drawer(page)
    forward = go_round(page, "Tab")
    assert len(forward) >= 5, f"the drawer has more tab stops than {[s['text'] for s in forward]}"
    backward = go_round(page, "Shift+Tab")
    assert [s["id"] for s in backward][:-1] == [s["id"] for s in reversed(forward)][1:], "Shift+Tab goes round the other way"

    # In a sub-menu too: open Topics, and focus goes round its links.
    for _ in range(len(forward)):
        if page.evaluate(FOCUS)["text"] == "Topics":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    sub = go_round(page, "Tab")
    assert "Social networking" in [s["text"] for s in sub], [s["text"] for s in sub]

    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert not page.evaluate("document.getElementById('__drawer').checked"), "Escape did not close the drawer"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu", "focus did not go back to the menu button"
    # Closed, the drawer holds focus no more: Tab goes on into the page.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert not page.evaluate(FOCUS)["inDrawer"]
