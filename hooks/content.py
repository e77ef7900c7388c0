"""MkDocs hook: checks all content before the build and fills pages from the shared loader (kit).

Thin by design: every rule about content lives in kit/, which the posters and documents use too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from kit.checks import load_project
from kit.dates import long_date, today
from kit.errors import ContentError
from kit.model import Project, reviews
from kit.model.data import link_definitions
from kit.site.layout import site_markdown

_project: Project | None = None


def on_config(config: Any) -> Any:
    global _project
    try:
        _project = load_project(Path(config.config_file_path).parent)
    except ContentError as e:
        raise PluginError(e.report()) from None
    board = _project.board
    # The board's identity reaches the theme from extra.board only.
    config.site_url = board.site_url
    config.theme["logo"] = board.logo
    config.theme["favicon"] = board.logo
    config.copyright = f"© {board.name}"
    if _project.config.example_identity:  # the default identity is the original author's, shown as an example
        config.copyright += " (example identity: the guidance's original author, not a current body)"
    config.extra["board"]["colour_accessible"] = board.colour_accessible
    return config


def on_env(env: Any, config: Any, files: Any) -> Any:
    env.filters["long_date"] = long_date  # the theme writes dates as the pages and posters do
    return env


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    assert _project is not None
    text = site_markdown(_project, page.file.src_uri) or markdown
    return f"{text}\n\n{link_definitions(_project.links)}\n"


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
    assert _project is not None
    source = _project.pages.get(page.file.src_uri)
    if source and source.next_review:
        context["review"] = {
            "last": source.last_reviewed, "next": source.next_review,
            "status": reviews.status(source.next_review, today()),
        }
    return context
