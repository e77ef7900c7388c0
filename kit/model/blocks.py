"""The blocks of a page's Markdown, for outputs that show a page's prose as it stands (the posters of
Reporting concerns and Legal consequences, a topic's introduction and update notes).

    blocks = page_blocks(project.rendered[path], project.root / "docs" / "includes")
    section_of(page.body, "board_contacts")   # the '## heading' of the section that asks for a name
    marked_paragraph(text, "sg-poster-footer") # the paragraph carrying an attribute-list mark

This is the one reader of a page's prose blocks (headings, paragraphs, lists, note boxes, tables);
the fixed-heading structure of topic and summary pages is read by kit.model.topics. It follows
`--8<--` snippets from docs/includes, and keeps HTML blocks (md_in_html) whole so they can be left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Block:
    """A piece of a page: heading, paragraph, list, admonition (note box; its kind in items[0]), table or html."""
    kind: str
    text: str = ""
    title: str = ""
    items: list[str] = field(default_factory=list)
    section: str = ""  # the level-2 heading it sits under ("" before the first)


SNIPPET = re.compile(r'^--8<--\s+"([^"]+)"\s*$')
ADMONITION = re.compile(r'^!!!\s+(\w+)(?:\s+"([^"]*)")?\s*$')
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
SECTION = re.compile(r"^##\s+(.+?)\s*$")


def page_blocks(markdown: str, includes: Path) -> list[Block]:
    """Split page Markdown into blocks, following `--8<--` snippets from `includes` (docs/includes)."""
    blocks: list[Block] = []
    section = ""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("[") and "]: http" in stripped:
            i += 1
            continue
        if m := re.match(r"^(#{1,6})\s+(.+?)\s*#*$", stripped):
            if len(m.group(1)) == 2:
                section = m.group(2)
            blocks.append(Block("heading", text=m.group(2), section=section))
            i += 1
            continue
        if m := SNIPPET.match(stripped):
            for b in page_blocks((includes / m.group(1)).read_text(encoding="utf-8"), includes):
                b.section = section
                blocks.append(b)
            i += 1
            continue
        if m := ADMONITION.match(stripped):
            body: list[str] = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(("    ", "\t"))):
                body.append(lines[i].strip())
                i += 1
            blocks.append(Block("admonition", text=" ".join(x for x in body if x), title=m.group(2) or "",
                                items=[m.group(1)], section=section))
            continue
        chunk: list[str] = []
        while i < len(lines) and lines[i].strip():
            chunk.append(lines[i])
            i += 1
        first = chunk[0].strip()
        if first.startswith("<"):
            # an HTML block, with any Markdown inside it (md_in_html) up to its closing tag
            tag = re.match(r"<(\w+)", first)
            depth = 0
            if tag:
                name = tag.group(1)
                depth = sum(len(re.findall(rf"<{name}\b", c)) - len(re.findall(rf"</{name}>", c)) for c in chunk)
                while depth > 0 and i < len(lines):
                    depth += len(re.findall(rf"<{name}\b", lines[i])) - len(re.findall(rf"</{name}>", lines[i]))
                    chunk.append(lines[i])
                    i += 1
            blocks.append(Block("html", text="\n".join(chunk), section=section))
        elif first.startswith("|"):
            blocks.append(Block("table", text="\n".join(chunk), section=section))
        elif LIST_ITEM.match(first):
            items: list[str] = []
            for c in chunk:
                if mm := LIST_ITEM.match(c.strip()):
                    items.append(mm.group(1).strip())
                elif items:
                    items[-1] += " " + c.strip()
            blocks.append(Block("list", items=items, section=section))
        else:
            blocks.append(Block("paragraph", text=" ".join(c.strip() for c in chunk), section=section))
    return blocks


def section_of(body: str, marker: str) -> str | None:
    """The '## heading' of the first section of a page (as written) whose text contains `marker`
    (e.g. a {{ name }} it asks for): "" when it comes before any heading, None when it is not there."""
    heading = ""
    for line in body.splitlines():
        if m := SECTION.match(line):
            heading = m.group(1)
        elif marker in line:
            return heading
    return None


def marked_paragraph(markdown: str, css_class: str) -> str | None:
    """The paragraph followed by the attribute list `{: .css_class }`, on one line; None when none is marked."""
    m = re.search(rf"(?:^|\n\n)((?:[^\n]+\n)+?)\{{:\s*\.{re.escape(css_class)}\s*\}}", markdown)
    return " ".join(m.group(1).split()) if m else None
