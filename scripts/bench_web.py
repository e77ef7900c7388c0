"""Web figures of the built site: what the home page costs to load, the search index, the offline zip.

    python scripts/bench_web.py            # measures site/ (run `make build` first)
    python scripts/bench_web.py --site DIR

The home page is loaded in Debian's Chromium (/usr/bin/chromium, headless, from a local server on
127.0.0.1) and every file it requests is counted at its gzip -9 size: what a server that compresses
would send. Goal: HTML + CSS + JS + fonts at most 250 KB. scripts/bench.py can call `figures()` or
`report()`.

Then Lighthouse (npm lighthouse@12.2.3 from package-lock.json, which `make bench-web` installs; the
same Chromium) scores the home page and a topic page, desktop and mobile: accessibility, best
practices and SEO must be 100 (the exit code is 1 otherwise); performance is reported, measured
with Lighthouse's simulated throttling (for mobile: a mid-range phone on a slow 4G connection).
`--no-lighthouse` leaves it out.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
from kit.outputs import OFFLINE_ZIP as ZIP_PATH

HOME_GOAL_BYTES = 250 * 1024
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_PAGES = ("index.html", "topics/live-streaming.html")
FORM_FACTORS = {"desktop": ["--preset=desktop"], "mobile": []}  # Lighthouse's default is mobile
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
KEPT_AT_100 = ("accessibility", "best-practices", "seo")
KINDS = {".html": "HTML", ".css": "CSS", ".js": "JS", ".woff2": "fonts", ".woff": "fonts", ".ttf": "fonts",
         ".svg": "images", ".png": "images", ".jpg": "images", ".json": "search index"}
GOAL_KINDS = ("HTML", "CSS", "JS", "fonts")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def home_page_requests(site: Path, page: str = "index.html") -> list[tuple[str, int, int]]:
    """(path under the site, raw bytes, gzip -9 bytes) of every file Chromium requests for `page`,
    after the page has settled (search index, fonts and images included)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import RequestLog, launch, serve

    urls: list[str] = []
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            log = RequestLog(context)
            tab = context.new_page()
            tab.goto(base + page, wait_until="networkidle")
            urls = list(dict.fromkeys(log.urls))
            if log.outside:
                raise SystemExit("the home page asked other hosts: " + ", ".join(log.outside))
        finally:
            browser.close()
        prefix = urlsplit(base).path
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        rel = unquote(parts.path)[len(prefix):]
        path = site / rel
        if path.is_file():
            data = path.read_bytes()
            out.append((rel, len(data), gz(data)))
    return out


def figures(site: Path) -> dict:
    """Every figure, as numbers (bytes)."""
    requests = home_page_requests(site)
    by_kind: dict[str, list[int]] = {}
    for rel, raw, packed in requests:
        kind = KINDS.get(Path(rel).suffix.lower(), "other")
        if rel.startswith("search/"):
            kind = "search index"
        by_kind.setdefault(kind, [0, 0, 0])
        by_kind[kind][0] += 1
        by_kind[kind][1] += raw
        by_kind[kind][2] += packed
    index = next((site / "search" / n for n in ("search_index.js", "search_index.json")
                  if (site / "search" / n).is_file()), None)
    archive = site / ZIP_PATH
    return {
        "requests": requests,
        "by_kind": by_kind,
        "home_gzip": sum(v[2] for k, v in by_kind.items() if k in GOAL_KINDS),
        "home_gzip_all": sum(v[2] for v in by_kind.values()),
        "search_index": (index.name, index.stat().st_size, gz(index.read_bytes())) if index else None,
        "offline_zip": archive.stat().st_size if archive.is_file() else None,
    }


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def report(site: Path) -> dict:
    f = figures(site)
    print("Home page (index.html in Chromium; every file it requests, gzip -9):")
    for rel, raw, packed in sorted(f["requests"], key=lambda r: -r[2]):
        print(f"    {rel:<58} {kb(raw):>11} raw {kb(packed):>11} gzip")
    for kind, (n, raw, packed) in sorted(f["by_kind"].items()):
        print(f"  {kind:<20} {n:>3} file(s) {kb(raw):>11} raw {kb(packed):>11} gzip")
    ok = f["home_gzip"] <= HOME_GOAL_BYTES
    print(f"  HTML + CSS + JS + fonts: {kb(f['home_gzip'])} gzip (goal at most {kb(HOME_GOAL_BYTES)}: "
          f"{'met' if ok else 'NOT MET'}); everything requested: {kb(f['home_gzip_all'])}")
    if f["search_index"]:
        name, raw, packed = f["search_index"]
        print(f"Search index (search/{name}): {kb(raw)} raw, {kb(packed)} gzip")
    else:
        print("Search index: missing")
    print(f"Offline zip ({ZIP_PATH.as_posix()}): " + (kb(f["offline_zip"]) if f["offline_zip"] else "not built yet"))
    return f


def lighthouse(url: str, form_factor: str) -> dict:
    """One Lighthouse run: its JSON report (about 15 s)."""
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
           *FORM_FACTORS[form_factor]]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    if run.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url} ({form_factor}): {(run.stderr or run.stdout)[-1500:]}")
    return json.loads(run.stdout)


def lighthouse_report(site: Path) -> list[str]:
    """Print the scores of every page and form factor; returns what is below 100 and must not be."""
    from tests.browser_support import serve

    if not LIGHTHOUSE.is_file():
        raise SystemExit(f"{LIGHTHOUSE.relative_to(ROOT)} is missing: `make bench-web` installs it (npm ci)")
    below: list[str] = []
    rows = []
    with serve(site) as base:
        for page in LIGHTHOUSE_PAGES:
            for form_factor in FORM_FACTORS:
                report = lighthouse(base + page, form_factor)
                scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
                rows.append((page, form_factor, scores))
                for c in KEPT_AT_100:
                    if scores[c] < 100:
                        failed = [a for a in (report["audits"][r["id"]] for r in report["categories"][c]["auditRefs"] if r["weight"])
                                  if a["score"] is not None and a["score"] < 1]
                        below.append(f"{page} ({form_factor}) {c} {scores[c]}: " + ", ".join(a["id"] for a in failed))
        version = report["lighthouseVersion"]
    print(f"Lighthouse {version} (Chromium, local server; performance with simulated throttling):")
    print(f"  {'page':<30} {'':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    for page, form_factor, scores in rows:
        print(f"  {page:<30} {form_factor:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES))
    for line in below:
        print(f"  BELOW 100: {line}")
    return below


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="built site (default: site/)")
    parser.add_argument("--no-lighthouse", action="store_true", help="leave out the Lighthouse scores (about a minute)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} has no index.html: run `make build` first", file=sys.stderr)
        return 1
    f = report(args.site.resolve())
    below = [] if args.no_lighthouse else lighthouse_report(args.site.resolve())
    return 0 if f["home_gzip"] <= HOME_GOAL_BYTES and not below else 1


if __name__ == "__main__":
    sys.exit(main())
