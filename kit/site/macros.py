"""Markdown the pages can ask for by name: the board's contacts, the offences tables, "formerly"
notes, the topic cards, the review schedule and What's new. Output is plain Markdown (with md_in_html blocks)."""
from __future__ import annotations

import re
from typing import Any

from ..dates import long_date, today
from ..model import Project
from ..model.data import Link, Offence, maximum_cells
from ..model.reviews import schedule

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


def _offences_table(project: Project, source: str, heading: str, *, in_force: bool) -> str:
    """One offences table (the rows of one `source`), then its rows' changes and notes under `heading`."""
    offences = [o for o in project.offences.rows if o.source == source]
    head = ["Offence or duty" if in_force else "Offence", "Law", *(["In force"] if in_force else []),
            "Maximum on summary conviction", "Maximum on indictment"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for o in offences:
        summary, indictment = maximum_cells(o)
        when = [o.in_force or "Not stated"] if in_force else []
        rows.append("| " + " | ".join([f"{o.offence}{_marks(o)}", _law(o), *when, summary, indictment]) + " |")
    return "\n".join(["\n".join(rows), "", *_changes_markdown(offences, heading)])


def offences_table_markdown(project: Project) -> str:
    """The offences the 2012 guidance listed (source: original), then what changed."""
    return _offences_table(project, "original", "What has changed since the 2012 guidance", in_force=False)


def added_offences_table_markdown(project: Project) -> str:
    """The offences (and the duty) the 2012 guidance did not list (source: added), then their notes."""
    return _offences_table(project, "added", "Notes on the offences the 2012 guidance did not list", in_force=True)


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

