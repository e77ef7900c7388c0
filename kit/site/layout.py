"""How the site lays a topic page out: the rule, then Best/Safe/Poor as labelled bands, then
the rest; and the reference definitions that give every [text][id] its address."""
from __future__ import annotations

from ..model import Project, Topic
from ..model.topics import BANDS

# Decorative icons: the words beside them carry the meaning, so they are hidden from screen readers.
ICONS = {
    "best": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-2 15-5-5 1.4-1.4 3.6 3.6 7.6-7.6L19 8l-9 9Z"/></svg>',
    "safe": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z"/></svg>',
    "poor": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm5 13.6L15.6 17 12 13.4 8.4 17 7 15.6 10.6 12 7 8.4 8.4 7 12 10.6 15.6 7 17 8.4 13.4 12l3.6 3.6Z"/></svg>',
}


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def topic_markdown(topic: Topic) -> str:
    """The site layout of a topic: the rule, then Best/Safe/Poor as labelled bands, then the rest."""
    out = ['<div class="sg-rule" markdown>', "", f'<p class="sg-rule__headline">{topic.headline}</p>', ""]
    if topic.qualifier:
        out += [f'<p class="sg-rule__qualifier">{topic.qualifier}</p>', ""]
    if topic.second_headline:
        out += [f'<p class="sg-rule__headline">{topic.second_headline}</p>', ""]
    out += ["</div>", ""]
    if topic.intro:
        out += [topic.intro, ""]
    out += ['<div class="sg-practice" markdown>', ""]
    for key, label in BANDS:
        items = getattr(topic, key)
        out += [f'<section class="sg-band sg-band--{key}" aria-labelledby="{key}-practice" markdown>', "",
                f'## {ICONS[key]} {label} {{#{key}-practice}}', ""]
        out += [_bullets(items) if items else f"*{topic.source_note}*", "", "</section>", ""]
    out += ["</div>", ""]
    out += ["## Consequences of poor practice", "", _bullets(topic.consequences), ""]
    out += ["## What should be in place?", "", _bullets(topic.in_place), ""]
    if topic.source_note and topic.poor:
        out += [f'!!! note "About the source"\n    {topic.source_note}', ""]
    return "\n".join(out)


def site_markdown(project: Project, rel: str) -> str:
    """The Markdown the site renders for a page (topic pages are laid out from their parts)."""
    if rel.startswith("topics/"):
        slug = rel.removeprefix("topics/").removesuffix(".md")
        topic = next((t for t in project.topics if t.slug == slug), None)
        if topic is not None:
            return topic_markdown(topic) + '\n--8<-- "immediate-danger.md"\n'
    return project.rendered.get(rel, "")
