"""The build checks the content once: the engine it starts (MkDocs' hook, the Markdown extension under
either engine) fills the pages without checking again the very sources the build has just checked
(kit.build.extension.checked_sources, handed over in CHECKED_ENV), and checks them again as soon as
any of them has changed, or when nothing was handed over (`mkdocs build` run by hand)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kit.build import engines, extension
from kit.errors import ContentError
from kit.outputs import POSTER_MANIFEST

BAD = '\n<p><a href="javascript:alert(1)">a script in a link</a></p>\n'  # refused by the HTML check


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(extension, "_cache", {})
    monkeypatch.delenv(extension.CHECKED_ENV, raising=False)
    calls: list[str] = []
    real = extension.load_project

    def counted(root: Path):
        calls.append("checked")
        return real(root)

    monkeypatch.setattr(extension, "load_project", counted)
    return calls


def test_sources_the_build_checked_are_not_checked_again(project_copy: Path, fresh: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    env = engines.engine_env(project_copy, extension.checked_sources(project_copy))
    monkeypatch.setenv(extension.CHECKED_ENV, env[extension.CHECKED_ENV])
    project = extension.project_for(project_copy.resolve())
    assert fresh == [] and "index.md" in project.rendered


def test_a_source_changed_since_the_build_checked_it_is_checked_again(project_copy: Path, fresh: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(extension.CHECKED_ENV, extension.checked_sources(project_copy))
    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + BAD, encoding="utf-8")
    with pytest.raises(ContentError, match="docs/about.md"):
        extension.project_for(project_copy.resolve())
    assert fresh == ["checked"]


def test_an_engine_started_by_hand_checks_everything(project_copy: Path, fresh: list[str]) -> None:
    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + BAD, encoding="utf-8")
    with pytest.raises(ContentError, match="docs/about.md"):
        extension.project_for(project_copy.resolve())
    assert fresh == ["checked"]


def test_only_the_build_hands_a_check_over(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine's environment carries no handed-over check from the caller's own environment."""
    monkeypatch.setenv(extension.CHECKED_ENV, "from elsewhere")
    assert extension.CHECKED_ENV not in engines.engine_env(project_copy)
    assert os.environ[extension.CHECKED_ENV] == "from elsewhere"


def test_a_source_changed_while_the_engine_reads_it_is_checked(project_copy: Path, fresh: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(extension.CHECKED_ENV, extension.checked_sources(project_copy))
    real = extension.load_checked_project

    def read_then_edited(root: Path):
        project = real(root)
        about = root / "docs" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + BAD, encoding="utf-8")
        return project

    monkeypatch.setattr(extension, "load_checked_project", read_then_edited)
    with pytest.raises(ContentError, match="docs/about.md"):
        extension.project_for(project_copy.resolve())
    assert fresh == ["checked"]


def test_the_hand_over_covers_the_poster_list_the_posters_page_is_filled_from(project_copy: Path) -> None:
    """The build writes the list of posters after its check and before the engine fills the Posters
    page from it: a changed list is checked again by the engine."""
    manifest = project_copy / POSTER_MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text('{"posters": [{"slug": "email", "title": "Email"}]}', encoding="utf-8")
    before = extension.checked_sources(project_copy)
    manifest.write_text('{"posters": [{"slug": "email", "title": "Email <em>now</em>"}]}', encoding="utf-8")
    assert extension.checked_sources(project_copy) != before
    manifest.write_text('{"posters": [{"slug": "email", "title": "Email"}]}', encoding="utf-8")
    assert extension.checked_sources(project_copy) == before  # a list written again unchanged is the same
