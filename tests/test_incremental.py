"""Incremental builds are exact: after an edit, a build that takes what it can from the caches
writes the same bytes as a cold build of the same sources, and each kind of change makes again
exactly the outputs that read what changed (kit/cachekeys.py), nothing more, nothing less."""
from __future__ import annotations

import filecmp
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from conftest import EDITED_TOPIC, EditedBuilds, cache_entries, copy_project, with_caches
from kit import posters
from kit.build.documents import build_documents
from kit.checks import load_project
from kit.build.engines import build_site
from kit.documents.guide import guide_pdf
from kit.outputs import DOCUMENT_CACHE, GUIDE_CACHE, POSTER_MANIFEST

POSTER_CACHE = POSTER_MANIFEST.parent


def of_kind(found: Iterable[str], suffix: str) -> set[str]:
    """The cache entries (`cache_entries`: name@time) whose file name ends in `suffix`."""
    return {e for e in found if e.split("@")[0].endswith(suffix)}


def entries(root: Path, folder: Path, suffix: str) -> set[str]:
    return of_kind(cache_entries(root, folder), suffix)


def tree(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_an_incremental_build_writes_the_bytes_of_a_cold_build(edited_builds: EditedBuilds) -> None:
    """After a one-topic edit, the build of a copy with the session's caches renders only that page's
    posters and guide part, and writes every file a cold build of the same sources elsewhere writes,
    byte for byte (tests/conftest.py `edited_builds`; test_build_reliability.py explains any
    difference)."""
    warm, cold, made = edited_builds.warm, edited_builds.cold, edited_builds.made
    edited = [s.slug for s in posters.poster_specs(load_project(warm)) if f"docs/{s.page}" == EDITED_TOPIC]
    # only the edited page's posters were rendered: A4 and A3, for screen and for a print shop
    pdfs = of_kind(made[str(POSTER_CACHE)], ".pdf")
    assert edited and len(pdfs) == 4 * len(edited), sorted(pdfs)
    # of the guide, only the edited page's part, and the parts joined again
    guide = of_kind(made[str(GUIDE_CACHE)], ".pdf")
    assert len(guide) == 2, sorted(guide)
    assert tree(warm / "site") == tree(cold / "site")
    differ = [f for f in tree(cold / "site") if not filecmp.cmp(warm / "site" / f, cold / "site" / f, shallow=False)]
    assert not differ, f"the incremental build differs from a cold build in: {differ[:10]}"


def _append(path: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        f = root / path
        f.write_text(f.read_text(encoding="utf-8") + text, encoding="utf-8")
    return change


def _in_topic_layout(root: Path) -> None:
    f = root / "posters/topic/template.html"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("{% block body %}", "{% block body %}<!-- edited -->", 1), encoding="utf-8")


def _board_colour(root: Path) -> None:
    f = root / "mkdocs.yml"
    text = f.read_text(encoding="utf-8")
    assert 'colour: "#1f4e79"' in text
    f.write_text(text.replace('colour: "#1f4e79"', 'colour: "#5c2d91"', 1), encoding="utf-8")


def _font_file(root: Path) -> None:
    """A real font file that differs from the original (its revision number), still a valid font."""
    from fontTools.ttLib import TTFont

    path = root / "docs/assets/fonts/atkinson-hyperlegible-latin-400-normal.woff2"
    font = TTFont(path)
    font["head"].fontRevision += 0.001
    font.flavor = "woff2"
    font.save(path)


DOCUMENT_NAMES = ["policy-pdf", "form", "checklist", "policy-docx"]
SLUGS = ["email", "reporting-concerns"]  # a topic-layout poster, and one of another layout

# change -> (document PDFs made again, whether the Word policy is, posters among SLUGS made again,
# whether the guide's chapters are)
CHANGES: dict[str, tuple[Callable[[Path], None], int, bool, list[str], bool]] = {
    "a document's template": (_append("documents/checklist/template.html", "\n<!-- edited -->\n"), 1, False, [], False),
    "the guide's style sheet": (_append("documents/guide/guide.css", "\n/* edited */\n"), 0, False, [], True),
    "a poster layout's template": (_in_topic_layout, 0, False, ["email"], False),
    "a poster layout's style sheet": (_append("posters/reporting/reporting.css", "\n/* edited */\n"), 0, False, ["reporting-concerns"], False),
    "the board's colour": (_board_colour, 3, False, SLUGS, True),
    "a font file": (_font_file, 3, False, SLUGS, True),
}


def make_outputs(root: Path, out: Path) -> tuple[set[str], set[str], set[str], int, bool]:
    """Make the documents, two posters' files and the guide of `root` into `out`; returns what was
    made again: document PDFs and Word files (cache entries), posters (their slugs), poster files,
    and whether any chapter of the guide was."""
    docs_pdf, docs_bin = entries(root, DOCUMENT_CACHE, ".pdf"), entries(root, DOCUMENT_CACHE, ".bin")
    poster_pdfs = entries(root, POSTER_CACHE, ".pdf")
    project = load_project(root)
    build_documents(project, out / "downloads", only=DOCUMENT_NAMES)
    results = posters.render_all(project, out / "posters", only=SLUGS)
    build_site(root, out / "site")  # the guide is made from the built pages
    guide = guide_pdf(project, out / "site", out / "guide.pdf")
    return (entries(root, DOCUMENT_CACHE, ".pdf") - docs_pdf, entries(root, DOCUMENT_CACHE, ".bin") - docs_bin,
            {r.slug for r in results if not r.cached}, len(entries(root, POSTER_CACHE, ".pdf") - poster_pdfs),
            not guide.cached)


def test_a_copy_of_unchanged_sources_is_served_from_the_caches(site: Path, tmp_path: Path) -> None:
    root = with_caches(copy_project(tmp_path / "project"), site)
    assert make_outputs(root, tmp_path / "out") == (set(), set(), set(), 0, False)


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_makes_again_exactly_what_reads_it(change: str, site: Path, tmp_path: Path) -> None:
    """After the change, exactly what reads the changed file is made again (the test above shows
    that, before it, everything comes from the caches)."""
    root = with_caches(copy_project(tmp_path / "project"), site)
    edit, new_pdfs, new_docx, remade, new_guide = CHANGES[change]
    edit(root)
    pdfs, docx, posters_made, poster_pdfs, guide_made = make_outputs(root, tmp_path / "out")
    assert len(pdfs) == new_pdfs, f"{change}: {len(pdfs)} document PDFs made again, expected {new_pdfs}"
    assert bool(docx) == new_docx, f"{change}: the Word policy was {'made again' if docx else 'not made again'}"
    assert posters_made == set(remade), f"{change}: posters made again: {sorted(posters_made)}, expected {remade}"
    # each poster made again at A4 and A3, for screen and for a print shop; no other poster file
    assert poster_pdfs == 4 * len(remade)
    assert guide_made == new_guide, f"{change}: the guide was {'made again' if guide_made else 'not made again'}"
