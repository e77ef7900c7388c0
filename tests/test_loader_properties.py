"""Property-based tests: whatever an editor types, the content loader either loads it or raises the
project's own ContentError (every problem with a file), never any other exception.

Pure functions (YAML reader, front matter, dates, sections, config, changes) take random input
directly; the whole loader runs on one throwaway copy of the project with a random topic page and
a random ordinary page. Example counts are modest so the suite stays quick.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_project
from kit import yamlio
from kit.checks import load_project
from kit.errors import ContentError
from kit.model.changes import load_changes
from kit.model.config import load_config
from kit.errors import Problems
from kit.dates import parse_date
from kit.model.pages import COMMON_OPTIONAL, COMMON_REQUIRED, TOPIC_OPTIONAL, TOPIC_REQUIRED, list_items, read_page, split_sections
from kit.model.topics import TOPIC_PARTS

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --- strategies ------------------------------------------------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("abz019 :-_[]{},#&*!|>'\"%@`?\n\t.\\/=~") + ["é", "’", "\u00a0", "\x00", "\x85"]),
                  max_size=120)
date_like = st.builds(lambda y, m, d, sep: f"{y:04d}{sep}{m:02d}{sep}{d:02d}",
                      st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["-", "/", ".", ""]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates(), date_like)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=6)
FIELDS = COMMON_REQUIRED + COMMON_OPTIONAL + TOPIC_REQUIRED + TOPIC_OPTIONAL
field_names = st.sampled_from(FIELDS) | st.text(min_size=1, max_size=12)
front_matter_dicts = st.dictionaries(field_names, values, max_size=9)
good_front_matter = st.fixed_dictionaries({
    "title": st.text(min_size=1, max_size=20), "description": st.text(min_size=1, max_size=30),
    "last_reviewed": st.dates().map(str) | date_like, "next_review": st.dates().map(str) | date_like,
    "headline": st.text(min_size=1, max_size=30),
}, optional={"qualifier": values, "parts_not_in_source": values, "source_note": values, "hide": values})

HEADINGS = [h.capitalize() for h in TOPIC_PARTS] + ["Best practice", "Remember", "Appropriate", "Notes"]
TARGETS = ["email.md", "../about.md", "../nowhere.md", "#best-practice", "#nope", "email.md#safe-practice", "/abs.md",
           "../assets/board-logo.svg", "pic.png", "%zz", "a\x00b", "https://example.org/x", "mailto:a@b.c", "", "<../about.md>",
           "../downloads/x.pdf", "../includes/immediate-danger.md", "../../../etc/passwd", "x" * 300 + ".md"]
markdown_lines = st.one_of(
    st.builds(lambda h: f"## {h}", st.sampled_from(HEADINGS) | st.text(max_size=20)),
    st.builds(lambda lvl, t: "#" * lvl + " " + t, st.integers(1, 6), st.text(max_size=20)),
    st.builds(lambda b, t: f"{b} {t}", st.sampled_from(["-", "*", "+", "1.", "2)"]), st.text(max_size=40)),
    st.builds(lambda t: "    " + t, st.text(max_size=30)),
    st.sampled_from(["", "```", "~~~", "---", "***", "<div markdown>", "</div>", "{{ board.name }}", "{{ nope }}", "{{ board.",
                     "{% if %}", "{{ formerly(\"iwf\") }}", "{{ formerly(\"nope\") }}", "{## c ##}", "(Insert name here)",
                     '--8<-- "immediate-danger.md"', '--8<-- "missing.md"', "[x][iwf]", "[x][not-a-link]", "http://a.b/c",
                     "`(Insert x)`", "| a | b |", "|---|---|", "{#id}", "!!! note", "\t- tabbed"]),
    st.builds(lambda img, text, target: f"{img}[{text}]({target})", st.sampled_from(["", "!"]), st.text(max_size=8), st.sampled_from(TARGETS)),
    st.text(max_size=60),
)
markdown_bodies = st.lists(markdown_lines, max_size=25).map("\n".join)


def page_text(front: dict | str, body: str) -> str:
    head = front if isinstance(front, str) else yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{head}\n---\n{body}\n"


def assert_problems_name_the_file(p: Problems, file: str) -> None:
    for problem in p.items:
        assert problem.file and problem.message, problem
        str(problem)
    if p.items:
        with pytest.raises(ContentError) as e:
            p.raise_if_any()
        assert e.value.report().startswith(f"{len(p.items)} problem")


# --- pure functions ----------------------------------------------------------------------------------


@FAST
@given(YAMLISH | st.text(max_size=120))
def test_yaml_reader_raises_only_its_own_error(text: str) -> None:
    try:
        yamlio.load(text)
    except yamlio.YamlError as e:
        assert e.line >= 1 and str(e)


@FAST
@given(front=YAMLISH | st.text(max_size=80), body=markdown_bodies, topic=st.booleans())
def test_any_front_matter_text_is_read_or_reported(front: str, body: str, topic: bool) -> None:
    p = Problems()
    page = read_page("topics/x.md" if topic else "x.md", "docs/x.md", page_text(front, body), p, topic=topic)
    assert isinstance(page.meta, dict)
    assert_problems_name_the_file(p, "docs/x.md")


@FAST
@given(front=front_matter_dicts | good_front_matter, body=markdown_bodies, topic=st.booleans())
def test_any_front_matter_fields_are_read_or_reported(front: dict, body: str, topic: bool) -> None:
    p = Problems()
    page = read_page("topics/x.md" if topic else "x.md", "docs/x.md", page_text(front, body), p, topic=topic)
    assert_problems_name_the_file(p, "docs/x.md")
    if page.last_reviewed and page.next_review:
        assert page.next_review > page.last_reviewed or p.items


@FAST
@given(st.text(max_size=200))
def test_a_page_without_front_matter_is_reported(text: str) -> None:
    p = Problems()
    read_page("x.md", "docs/x.md", text, p, topic=False)
    assert_problems_name_the_file(p, "docs/x.md")
    if not text.startswith("---"):
        assert any("front matter" in x.message for x in p.items)


@FAST
@given(scalars | values)
def test_any_date_value_parses_or_is_reported(value: object) -> None:
    p = Problems()
    day = parse_date(value, "docs/x.md", "next_review", 5, p)
    assert (day is None) == bool(p.items)
    assert day is None or isinstance(day, dt.date)
    assert all(x.where == "line 5 (field next_review)" for x in p.items)


@FAST
@given(markdown_bodies, st.integers(1, 500))
def test_sections_and_lists_never_fail(body: str, first_line: int) -> None:
    p = Problems()
    intro, sections = split_sections(body, first_line)
    for s in sections:
        assert s.line >= first_line
        items = list_items(s, "docs/x.md", p)
        assert all(i.strip() for i in items)
    assert_problems_name_the_file(p, "docs/x.md")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare project folder (a logo under docs/) for config and data-file tests."""
    root = tmp_path_factory.mktemp("scratch")
    (root / "docs" / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "assets" / "board-logo.svg", root / "docs" / "assets" / "board-logo.svg")
    return root


board_values = st.fixed_dictionaries({}, optional={
    "name": values, "short_name": values, "logo": st.sampled_from(["assets/board-logo.svg", "missing.png", ""]) | values,
    "logo_alt": values, "colour": st.sampled_from(["#1f4e79", "#fff", "blue", "#12345", ""]) | values,
    "site_url": st.sampled_from(["https://x.org/", "x.org", ""]) | values,
    "contacts": st.lists(st.dictionaries(st.sampled_from(["label", "phone", "url", "email", "note", "fax"]), values, max_size=4), max_size=3) | values,
}) | st.dictionaries(st.text(max_size=8), values, max_size=4)


@SLOW
@given(board=board_values | values, origin=st.dictionaries(st.sampled_from(["credit", "licence", "x"]), values, max_size=3) | values,
       raw=st.none() | YAMLISH)
def test_any_board_config_loads_or_is_reported(scratch: Path, board: object, origin: object, raw: str | None) -> None:
    config = raw if raw is not None else yaml.safe_dump({"site_name": "x", "extra": {"board": board, "origin": origin}}, allow_unicode=True)
    (scratch / "mkdocs.yml").write_text(config, encoding="utf-8")
    try:
        loaded = load_config(scratch)
    except ContentError as e:
        assert e.problems and all(x.file == "mkdocs.yml" for x in e.problems)
    else:
        assert loaded.board.name and loaded.board.contacts


change_entries = st.lists(
    st.fixed_dictionaries({}, optional={"date": st.dates().map(str) | date_like | values, "title": values,
                                        "changes": st.lists(markdown_lines | values, max_size=3) | values,
                                        "pages": st.lists(st.sampled_from(["about.md", "nope.md"]) | values, max_size=2) | values,
                                        "author": values}) | values,
    max_size=4)


@SLOW
@given(entries=change_entries | values, raw=st.none() | YAMLISH)
def test_any_changes_file_loads_or_is_reported(scratch: Path, entries: object, raw: str | None) -> None:
    (scratch / "docs" / "data").mkdir(exist_ok=True)
    text = raw if raw is not None else yaml.safe_dump(entries, allow_unicode=True)
    (scratch / "docs" / "data" / "changes.yml").write_text(text, encoding="utf-8")
    p = Problems()
    news = load_changes(scratch, {"about.md": None}, p)
    assert all(isinstance(n.date, dt.date) for n in news)
    assert all(x.file == "docs/data/changes.yml" for x in p.items)


# --- the whole loader ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("props") / "project")


@SLOW
@given(topic_front=good_front_matter | front_matter_dicts, topic_body=markdown_bodies,
       page_front=good_front_matter | front_matter_dicts | YAMLISH, page_body=markdown_bodies)
def test_whole_loader_loads_or_raises_content_error(project_root: Path, topic_front: dict, topic_body: str,
                                                     page_front: dict | str, page_body: str) -> None:
    (project_root / "docs" / "topics" / "email.md").write_text(page_text(topic_front, topic_body), encoding="utf-8")
    (project_root / "docs" / "about.md").write_text(page_text(page_front, page_body), encoding="utf-8")
    try:
        project = load_project(project_root)
    except ContentError as e:
        assert e.problems
        for problem in e.problems:
            assert problem.file and problem.message
            assert not Path(problem.file).is_absolute(), problem
    else:
        assert project.topic("email").headline
