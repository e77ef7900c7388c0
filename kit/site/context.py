"""The names a page may use in {{ … }} (listed for editors on the How to edit page)."""
from __future__ import annotations

from typing import Any

from ..model import Project
from ..model.checklist import checklist_groups
from ..model.topics import FORM_PAGE, POLICY_PAGE
from . import macros
from .gallery import gallery_markdown
from .widgets import checklist_markdown, policy_builder_markdown


def base_names(project: Project) -> dict[str, Any]:
    """Every name but the two made from other pages' filled-in text (`checklist`, `policy_builder`)."""

    def formerly(link_id: str) -> str:
        if link_id not in project.links:
            raise ValueError(f"formerly(\"{link_id}\"): no link with that id in docs/data/links.yml")
        return macros.formerly(project.links[link_id])

    assert project.config is not None
    return {
        "board": project.board,
        "origin": project.config.origin,
        "example_identity": project.config.example_identity,
        "offences": project.offences,
        "offences_table": macros.offences_table_markdown(project),
        "added_offences_table": macros.added_offences_table_markdown(project),
        "board_contacts": macros.board_contacts_markdown(project),
        "formerly": formerly,
        "topic_cards": macros.topic_cards_markdown(project),
        "poster_gallery": gallery_markdown(project.root),
        "review_schedule": macros.review_schedule_markdown(project),
        "whats_new": macros.whats_new_markdown(project),
    }


def widget_names(filled: Project) -> dict[str, str]:
    """`checklist` and `policy_builder`, from a project whose other pages are already filled in."""
    builder = policy_builder_markdown(filled, filled.rendered) if {POLICY_PAGE, FORM_PAGE} <= set(filled.rendered) else ""
    return {"checklist": checklist_markdown(checklist_groups(filled.topics)), "policy_builder": builder}
