"""A Content Security Policy in every built page, with the hashes of exactly its inline scripts and styles.

Engine-neutral: it reads and writes the built HTML only (no MkDocs hook), so the same step serves a
MkDocs or a Zensical build. scripts/build.py runs it over the built site before the offline zip:

    python -m kit.csp site            # add the policy to every page of site/
    python -m kit.csp site --check    # only check every page's policy; exit 1 listing the problems

The policy is a <meta http-equiv="Content-Security-Policy"> at the top of <head> (after <meta
charset>, which must stay within the first 1024 bytes), before any script. The pages are parsed with
lxml to find the inline scripts and styles; the file is then changed by inserting that one line,
nothing else. A browser then runs no script and applies no style that the build did not put there,
and loads nothing from another host (no tracker, no third-party image), from a server or file://.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html

# default-src 'self' covers scripts, styles, fonts, fetches (the search index), workers and frames.
# img-src adds data:: Material's stylesheet draws its icons (admonitions, navigation arrows, search)
# as CSS masks of data: SVG images, and img-src governs those. The directives that a <meta> policy
# cannot carry (frame-ancestors, report-uri, sandbox) are left out: browsers warn about them.
FIXED = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
ORDER = ["default-src", "script-src", "style-src", "img-src", "object-src", "base-uri", "form-action"]
META_START = '<meta http-equiv="Content-Security-Policy" content="'

# The script types a browser runs (HTML standard, "prepare the script element"); any other type,
# such as Material's <script type="application/json" id="__config">, is a data block and needs no hash.
JS_TYPES = {
    "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript",
    "module", "importmap", "speculationrules",
}


class CspError(Exception):
    """A page that cannot carry the policy (no <head>): a fault in the theme or the build, not the content."""


@dataclass(frozen=True)
class Inline:
    scripts: tuple[str, ...]  # 'sha256-…' sources, sorted, no duplicates
    styles: tuple[str, ...]


def sha256_source(text: str) -> str:
    """The CSP source for an inline script or style: the hash of its text, as the browser sees it
    (line ends normalised to LF by the HTML parser), encoded as UTF-8."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _runs(script) -> bool:
    if "src" in script.attrib:
        return False  # external: allowed by 'self', not by a hash
    kind = script.get("type")
    if kind is None or not kind.strip():
        language = script.get("language")
        kind = f"text/{language}" if kind is None and language and language.strip() else "text/javascript"
    return kind.strip().lower() in JS_TYPES


def _parse(text: str):
    return lxml.html.document_fromstring(text)


def inline_sources(text: str) -> Inline:
    """The hashes of every inline script the browser would run and every <style> of a page."""
    return _inline(_parse(text))


def _inline(doc) -> Inline:
    scripts = {sha256_source(el.text or "") for el in doc.iter("script") if _runs(el)}
    styles = {sha256_source(el.text or "") for el in doc.iter("style")}
    return Inline(tuple(sorted(scripts)), tuple(sorted(styles)))


def policy(inline: Inline) -> str:
    directives = {**FIXED, "script-src": ["'self'", *inline.scripts], "style-src": ["'self'", *inline.styles]}
    return "; ".join(" ".join([name, *directives[name]]) for name in ORDER)


def _insertion_point(text: str, doc) -> int:
    """Where the meta goes: just after <meta charset> when it opens <head>, else just after <head ...>."""
    head = doc.find("head")
    start = re.search(r"<head(?:\s[^>]*)?>", text, re.IGNORECASE)
    if head is None or start is None:
        raise CspError("the page has no <head> to put the Content Security Policy in")
    first = next(iter(head), None)
    if first is not None and first.tag == "meta" and first.get("charset"):
        charset = re.compile(r"<meta\s[^>]*charset[^>]*>", re.IGNORECASE).search(text, start.end())
        if charset:
            return charset.end()
    return start.end()


def add_policy(text: str) -> str:
    """The page with its policy inserted (replacing a policy this function inserted before)."""
    return _protect(text)[0]


def _protect(text: str) -> tuple[str, Inline]:
    text = remove_policy(text)
    doc = _parse(text)
    at = _insertion_point(text, doc)
    inline = _inline(doc)
    meta = f"\n{META_START}{html.escape(policy(inline), quote=False)}\">"
    return text[:at] + meta + text[at:], inline


def remove_policy(text: str) -> str:
    """The page without a policy line inserted by add_policy (as it was built)."""
    return re.sub(r"\n" + re.escape(META_START) + r'[^"]*">', "", text, count=1)


def _metas(doc) -> list:
    return [m for m in doc.iter("meta") if (m.get("http-equiv") or "").strip().lower() == "content-security-policy"]


def check_page(text: str) -> list[str]:
    """Every way the page's policy is missing, late, or does not match its inline scripts and styles."""
    doc = _parse(text)
    metas = _metas(doc)
    if not metas:
        return ["no Content Security Policy <meta> in <head>"]
    found = metas[0].get("content") or ""
    problems = []
    head = doc.find("head")
    if head is None or metas[0].getparent() is not head:
        problems.append("the Content Security Policy <meta> is not in <head>")
    elif any(el.tag in ("script", "style", "link") for el in metas[0].itersiblings(preceding=True)):
        problems.append("a script, style or stylesheet comes before the Content Security Policy <meta>")
    if len(metas) > 1:
        problems.append(f"{len(metas)} Content Security Policy <meta> elements (one expected)")
    inline = _inline(doc)
    directives = {d.split()[0]: d.split()[1:] for d in found.split(";") if d.strip()}
    for name, kind, needed in (("script-src", "script", inline.scripts), ("style-src", "style", inline.styles)):
        allowed = set(directives.get(name, []))
        if missing := [h for h in needed if h not in allowed]:
            problems.append(f"{len(missing)} inline {kind}(s) not allowed by the policy (the browser blocks them): "
                            + " ".join(missing))
        if extra := sorted(allowed - set(needed) - {"'self'"}):
            problems.append(f"the policy's {name} allows what the page does not have: " + " ".join(extra))
    if not problems and found != policy(inline):
        problems.append(f"the policy is not the one the build writes:\n      page:     {found}\n"
                        f"      expected: {policy(inline)}")
    blocked = sorted({f"{el.tag} {name}=" for el in doc.iter() if isinstance(el.tag, str)
                      for name in el.attrib if name.lower().startswith("on") or name.lower() == "style"})
    if blocked:
        problems.append("inline event handlers or style attributes, which the policy blocks: " + ", ".join(blocked))
    return problems


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"), key=lambda p: p.relative_to(site).as_posix())


@dataclass(frozen=True)
class SiteReport:
    pages: int
    scripts: tuple[str, ...]  # distinct hashes over the whole site
    styles: tuple[str, ...]


def protect_site(site: Path) -> SiteReport:
    """Add the policy to every HTML page under `site` (in place); returns the hashes used."""
    scripts: set[str] = set()
    styles: set[str] = set()
    files = pages(site)
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            new, inline = _protect(text)
        except CspError as e:
            raise CspError(f"{path.relative_to(site).as_posix()}: {e}") from None
        scripts.update(inline.scripts)
        styles.update(inline.styles)
        if new != text:
            path.write_bytes(new.encode("utf-8"))
    return SiteReport(len(files), tuple(sorted(scripts)), tuple(sorted(styles)))


def check_site(site: Path) -> list[str]:
    return [f"{path.relative_to(site).as_posix()}: {problem}"
            for path in pages(site) for problem in check_page(path.read_text(encoding="utf-8"))]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    folders = [a for a in args if a != "--check"]
    site = Path(folders[0] if folders else "site")
    if not site.is_dir():
        print(f"{site}: no such folder (build the site first)", file=sys.stderr)
        return 1
    if check:
        problems = check_site(site)
        if not problems:
            print(f"Every page of {site} carries its Content Security Policy, with the right hashes.")
            return 0
        print(f"{len(problems)} problem(s) in the Content Security Policy of {site}:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    report = protect_site(site)
    print(f"{report.pages} pages: {len(report.scripts)} script and {len(report.styles)} style hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
