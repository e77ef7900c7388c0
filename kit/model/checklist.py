"""The managers' checklist: every "What should be in place?" item of every topic, each with an id
that stays the same while its wording does (the Checklist page remembers ticks by it)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .topics import Topic

@dataclass
class ChecklistItem:
    id: str  # stable while the item's wording stays the same (ticks are remembered by it)
    markdown: str


@dataclass
class ChecklistGroup:
    slug: str
    title: str
    path: str
    items: list[ChecklistItem]


def checklist_groups(topics: list[Topic]) -> list[ChecklistGroup]:
    groups = []
    for topic in topics:
        items = []
        for text in topic.in_place:
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
            items.append(ChecklistItem(f"{topic.slug}-{digest}", text))
        groups.append(ChecklistGroup(topic.slug, topic.title, topic.path, items))
    return groups
