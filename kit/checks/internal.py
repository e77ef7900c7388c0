"""Links between the guidance's own pages, their #anchors, and images: checked before anything is
rendered, so a broken one is reported with the file and line, together with every other problem.

MkDocs (--strict, `validation:` in mkdocs.yml) checks the same things again while it builds; this
check is the one that names the line, and it runs in `make check` and `make serve` too.
"""
from __future__ import annotations

import difflib
import posixpath
import re
from functools import lru_cache
from urllib.parse import unquote

import markdown

from ..errors import Problems
from ..model import Project
from ..model.changes import FILE as CHANGES_FILE
from ..model.text import INLINE_URL, REF_LINK, prose_lines
from ..site.layout import site_markdown

# [text](target "title") and ![alt](src); the text may hold one level of [brackets].
MD_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
BUILT = ("downloads/",)  # files the build writes beside the pages (posters, documents)
UNPUBLISHED = ("includes/", "data/")  # excluded from the site in mkdocs.yml
ID = re.compile(r"\bid=\"([^\"]+)\"")
SNIPPET = re.compile(r"^\s*-+8<-+\s+([\"'])([^\"']+)\1\s*$")  # --8<-- "fragment.md" (pymdownx.snippets)
WHATS_NEW_PAGE = "whats-new.md"  # where the entries of docs/data/changes.yml are shown


def _raw_config(project: Project) -> dict:
    return project.config.raw if project.config is not None else {}  # None: mkdocs.yml has problems of its own


def snippet_folders(project: Project) -> list[str] | None:
    """The folders pymdownx.snippets looks in, relative to the project root (as MkDocs runs it);
    None when mkdocs.yml could not be read."""
    if project.config is None:
        return None
    for item in _raw_config(project).get("markdown_extensions") or []:
        if isinstance(item, dict) and isinstance(item.get("pymdownx.snippets"), dict):
            base = item["pymdownx.snippets"].get("base_path") or ["."]
            return [str(b) for b in ([base] if isinstance(base, str) else base)]
    return ["."]


def page_anchors(project: Project, rel: str) -> set[str]:
    """The ids a link may point to with #…: headings (as MkDocs' toc makes them), {#id} and id="…"."""
    names, configs = ["toc", "tables", "fenced_code"], {}  # MkDocs always adds these three
    for item in _raw_config(project).get("markdown_extensions") or []:
        name, cfg = next(iter(item.items())) if isinstance(item, dict) and item else (item, None)
        if isinstance(name, str) and name.startswith("kit."):
            continue  # kit's own extension (kit.build.extension) fills pages: the text here is already filled
        if isinstance(name, str) and name not in names:
            names.append(name)
        if isinstance(name, str) and isinstance(cfg, dict):
            configs[name] = dict(cfg)
    if "pymdownx.snippets" in names:  # the fragments, found from any folder; a missing one is MkDocs' to report
        base = configs.get("pymdownx.snippets", {}).get("base_path") or ["."]
        base = [base] if isinstance(base, str) else base
        configs["pymdownx.snippets"] = {**configs.get("pymdownx.snippets", {}),
                                        "base_path": [str(project.root / str(b)) for b in base], "check_paths": False}
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    return set(ID.findall(md.convert(site_markdown(project, rel))))


def _targets(line: str) -> list[tuple[bool, str]]:
    found = [(m.group(1) == "!", m.group(3).strip("<>")) for m in MD_LINK.finditer(line)]
    found += [(True, src) for src in HTML_IMG.findall(line)]
    return found


def check_internal_links(project: Project, p: Problems) -> None:
    docs = project.root / "docs"

    @lru_cache(maxsize=None)
    def anchors(rel: str) -> frozenset[str] | None:
        try:
            return frozenset(page_anchors(project, rel))
        except Exception:  # noqa: BLE001 - the anchor check must never stop the other checks (MkDocs checks again)
            return None

    def exists(rel: str) -> bool:
        try:
            return (docs / rel).is_file()
        except (OSError, ValueError):
            return False

    def check(file: str, where: str, rel: str, line: str) -> None:
        """Check the links of one line of `file`, whose text is shown on the page `rel`."""
        here = posixpath.dirname(rel)
        for image, raw in _targets(line):
            if not raw or "{{" in raw or "{%" in raw or raw.startswith("//") or SCHEME.match(raw):
                continue  # an external address (links.yml; kit/html_policy.py refuses //host) or filled in by the build
            what = "image" if image else "link"
            if raw.startswith("/"):
                p.add(file, where, f"the {what} '{raw}' starts with '/': links inside the guidance must be relative to this page, e.g. 'topics/email.md'")
                continue
            path, _, anchor = raw.partition("#")
            path = unquote(path)
            target = posixpath.normpath(posixpath.join(here, path)) if path else rel
            if target == ".." or target.startswith("../"):
                p.add(file, where, f"the {what} '{raw}' points outside the docs/ folder: only pages and files under docs/ are published")
                continue
            if target.startswith(BUILT):
                continue
            if target.startswith(UNPUBLISHED):
                p.add(file, where, f"the {what} '{raw}' points to docs/{target}, which is not published on the site: link to a page instead")
                continue
            if target.endswith(".md"):
                if target not in project.pages:
                    close = difflib.get_close_matches(target, list(project.pages), n=1)
                    hint = f"did you mean '{posixpath.relpath(close[0], here or '.')}'?" if close else "check the file name (pages are the .md files under docs/)"
                    p.add(file, where, f"the link '{raw}' goes to docs/{target}, which does not exist: {hint}")
                    continue
            elif not exists(target):
                if image:
                    p.add(file, where, f"the image '{raw}' is missing: put the file at docs/{target} or correct the path")
                else:
                    p.add(file, where, f"the link '{raw}' goes to docs/{target}, which does not exist: add the file or correct the path")
                continue
            if anchor and target.endswith(".md"):
                ids = anchors(target)
                if ids is not None and anchor not in ids:
                    known = ", ".join(f"#{i}" for i in sorted(ids) if not i.startswith("__"))[:300]
                    page_name = "this page" if target == rel else f"docs/{target}"
                    p.add(file, where, f"the link '{raw}' points to a section '#{anchor}' that {page_name} does not have; "
                          f"its sections are: {known or 'none'}")

    folders = snippet_folders(project)
    for rel, page in project.pages.items():
        for offset, line in prose_lines(page.body):
            check(page.file, f"line {page.body_line + offset}", rel, line)
        for offset, line in enumerate(page.body.splitlines()):  # fragments are included even inside code
            m = SNIPPET.match(line) if folders is not None else None
            if m:
                name = re.sub(r"(:[-\d,]*)+$", "", m.group(2))
                try:
                    found = any((project.root / folder / name).is_file() for folder in folders)
                except (OSError, ValueError):
                    found = False
                if not found:
                    p.add(page.file, f"line {page.body_line + offset}", f"the fragment '{name}' does not exist: fragments live in "
                          + " or ".join(f"{f.rstrip('/')}/" for f in folders or []) + "; check the file name")
    for news in project.whats_new:  # docs/data/changes.yml, shown on the What's new page
        for item in news.changes:
            check(CHANGES_FILE, f"line {item.line}", WHATS_NEW_PAGE, item.text)
            for ref in REF_LINK.findall(item.text):
                if ref not in project.links and not ref.isdigit():
                    p.add(CHANGES_FILE, f"line {item.line}", f"the link [{ref}] is not in docs/data/links.yml: add it there or fix the id")
            for url in INLINE_URL.findall(item.text):
                p.add(CHANGES_FILE, f"line {item.line}",
                      f"the address {url} is written here: add it to docs/data/links.yml and link it as [text][id]")
