"""Markdown the pages can ask for (board, contacts, offences table, "formerly" notes) and the
topic layout the site shows. Output is plain Markdown (with md_in_html blocks)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .pages import long_date

if TYPE_CHECKING:
    from .project import Link, Offence, Project, Topic

# Decorative icons: the words beside them carry the meaning, so they are hidden from screen readers.
ICONS = {
    "best": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-2 15-5-5 1.4-1.4 3.6 3.6 7.6-7.6L19 8l-9 9Z"/></svg>',
    "safe": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z"/></svg>',
    "poor": '<svg class="sg-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm5 13.6L15.6 17 12 13.4 8.4 17 7 15.6 10.6 12 7 8.4 8.4 7 12 10.6 15.6 7 17 8.4 13.4 12l3.6 3.6Z"/></svg>',
}
BANDS = (("best", "Best practice"), ("safe", "Safe practice"), ("poor", "Poor practice"))


def phone_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def board_contacts_markdown(project: Project) -> str:
    lines = []
    for c in project.board.contacts:
        bits = []
        if c.phone:
            bits.append(f"[{c.phone}]({phone_href(c.phone)})")
        if c.email:
            bits.append(f"[{c.email}](mailto:{c.email})")
        if c.url:
            bits.append(f"[{c.url.split('://', 1)[-1].rstrip('/')}]({c.url})")
        note = f" ({c.note})" if c.note else ""
        lines.append(f"- **{c.label}**{note}: " + " · ".join(bits))
    return "\n".join(lines)


def formerly(link: Link) -> str:
    bits = []
    if link.formerly:
        addrs = " and ".join(link.formerly)
        verb = "these addresses no longer work" if len(link.formerly) > 1 else "this address no longer works"
        bits.append(f"Formerly {addrs}: {verb}.")
    if link.note:
        bits.append(link.note)
    return f'<span class="sg-formerly">{" ".join(bits)}</span>' if bits else ""


def _law(o: Offence) -> str:
    return f"[{o.statute}, {o.section}][{o.link}]"


NOT_STATED = "Not stated here: check on legislation.gov.uk"


def maximum_cells(o: Offence) -> tuple[str, str]:
    """The two maximum-penalty cells of an offence, as the site table and the legal posters show them."""
    if o.mode == "not stated":
        return NOT_STATED, NOT_STATED
    return o.summary, o.indictment or "Summary only: not tried on indictment"


def _changes_markdown(rows: list[Offence], heading: str) -> list[str]:
    out: list[str] = []
    rows = [o for o in rows if o.changes or o.note]
    if rows:
        out += [f"### {heading}", ""]
    for o in rows:
        out += [f'<div class="sg-change" id="changed-{o.id}" markdown>', "", f"**{o.offence}** ({_law(o)})", ""]
        for c in o.changes:
            # "The 2012 guidance said" only when the words are the 2012 text's own (seed: true)
            was = f"- **The 2012 guidance said:** \u201c{c.was}\u201d" if c.seed else f"- **Before this change the law said:** {c.was}"
            out += [was, f"- **The law now says:** {c.now}", f"- **Changed by:** {c.by}, from {long_date(c.date)}", ""]
        if o.note:
            out.append(f"- **Note:** {o.note}")
        out += ["", "</div>", ""]
    return out


def _marks(o: Offence) -> str:
    marks = []
    if o.changes and o.source == "original":
        marks.append(f"**Changed since 2012** ([see below](#changed-{o.id}))")
    elif o.changes or o.note:
        marks.append(f"[See the note below](#changed-{o.id})")
    if o.confidence == "medium":
        marks.append("*Check on legislation.gov.uk*")
    return "<br>" + "<br>".join(marks) if marks else ""


def offences_table_markdown(project: Project) -> str:
    """The offences the 2012 guidance listed (source: original), then what changed."""
    rows = ["| Offence | Law | Maximum on summary conviction | Maximum on indictment |", "|---|---|---|---|"]
    original = [o for o in project.offences.rows if o.source == "original"]
    for o in original:
        summary, indictment = maximum_cells(o)
        rows.append(f"| {o.offence}{_marks(o)} | {_law(o)} | {summary} | {indictment} |")
    return "\n".join(["\n".join(rows), "", *_changes_markdown(original, "What has changed since the 2012 guidance")])


def added_offences_table_markdown(project: Project) -> str:
    """The offences (and the duty) the 2012 guidance did not list (source: added), then their notes."""
    rows = ["| Offence or duty | Law | In force | Maximum on summary conviction | Maximum on indictment |",
            "|---|---|---|---|---|"]
    added = [o for o in project.offences.rows if o.source == "added"]
    for o in added:
        summary, indictment = maximum_cells(o)
        rows.append(f"| {o.offence}{_marks(o)} | {_law(o)} | {o.in_force or 'Not stated'} | {summary} | {indictment} |")
    return "\n".join(["\n".join(rows), "", *_changes_markdown(added, "Notes on the offences the 2012 guidance did not list")])


def example_identity(project: Project) -> bool:
    """True while extra.board is still the guidance's original author (named in extra.origin.credit):
    the default identity is an example for forks, and the pages and posters say so."""
    return bool(project.board.name) and project.board.name in project.config.origin.credit


def tagline(project: Project) -> str:
    """The 2012 guidance's tagline: the home page's paragraph marked `{: .sg-tagline }` (also on the guide's cover)."""
    m = re.search(r"(?m)^([^\n]+(?:\n[^\n]+)*)\n\{:\s*\.sg-tagline\s*\}", project.rendered.get("index.md", ""))
    return " ".join(m.group(1).split()) if m else ""


def topic_cards_markdown(project: Project) -> str:
    """Cards linking to each topic page, in navigation order (title and description from front matter)."""
    out = ['<ul class="sg-cards" markdown>']
    for path in project.nav:
        page = project.pages.get(path)
        if path.startswith("topics/") and page:
            out += ["<li markdown>", "", f"**[{page.meta.get('title', '')}]({path})**", "", str(page.meta.get("description", "")), "", "</li>"]
    return "\n".join(out + ["</ul>"])


def review_schedule_markdown(project: Project) -> str:
    """A table of every page with its review dates and status (for the Review schedule page)."""
    from .reviews import schedule, today

    def day(d: Any) -> str:
        return long_date(d) or "not set"

    on = today()
    rows = ["| Page | Last reviewed | Next review due | Status |", "|---|---|---|---|"]
    for r in schedule(project, on):
        title = r.title.replace("|", "\\|")
        status = {"overdue": "**Overdue**", "due soon": "Due soon"}.get(r.status, r.status.capitalize())
        if r.status == "overdue":
            status += f" ({r.days_overdue} days)"
        elif r.status == "due soon":
            status += f" (in {r.days_left} days)"
        rows.append(f"| [{title}]({r.path}) | {day(r.last_reviewed)} | {day(r.next_review)} | {status} |")
    return "\n".join(rows) + f"\n\nStatus as on {day(on)}, when this site was built."


def whats_new_markdown(project: Project) -> str:
    """The entries of docs/data/changes.yml, newest first, each with the pages it changed."""
    out: list[str] = []
    for news in project.whats_new:
        out += [f"## {long_date(news.date)}: {news.title}", ""]
        out += [f"- {item.text}" for item in news.changes] + [""]
        if news.pages:
            names = [f"[{project.pages[p].meta.get('title') or p}]({p})" for p in news.pages if p in project.pages]
            out += ["Pages changed: " + ", ".join(names) + ".", ""]
    return "\n".join(out) if out else "No changes have been recorded yet."


def _poster_gallery(project: Project) -> str:
    from .posters import gallery_markdown  # the Posters page's table of downloads (kit/posters.py)

    return gallery_markdown(project.root)


def context_for(project: Project) -> dict[str, Any]:
    """The names a page may use in {{ … }}; listed for editors on the How to edit page."""

    def formerly_by_id(link_id: str) -> str:
        if link_id not in project.links:
            raise ValueError(f"formerly(\"{link_id}\"): no link with that id in docs/data/links.yml")
        return formerly(project.links[link_id])

    context = {
        "board": project.board,
        "origin": project.config.origin,
        "example_identity": example_identity(project),
        "offences": project.offences,
        "offences_table": offences_table_markdown(project),
        "added_offences_table": added_offences_table_markdown(project),
        "board_contacts": board_contacts_markdown(project),
        "formerly": formerly_by_id,
        "topic_cards": topic_cards_markdown(project),
        "poster_gallery": _poster_gallery(project),
        "review_schedule": review_schedule_markdown(project),
        "whats_new": whats_new_markdown(project),
    }
    from .documents import page_names  # late import: documents uses this module

    context.update(page_names(project, context))  # "checklist" and "policy_builder"
    return context


def link_definitions(project: Project) -> str:
    """Reference-style definitions for every address in docs/data/links.yml."""
    return "\n".join(f'[{link.id}]: {link.url} "{link.title}"' for link in project.links.values())


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
