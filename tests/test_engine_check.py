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
