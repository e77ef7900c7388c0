"""What the printable documents and the two interactive pages are made of, read through the loader.

Nothing here holds guidance text: the policy, the declaration form and the checklist items all come
from the Markdown pages (after their {{ … }} names are filled in). The writers (documents_pdf.py,
documents_docx.py) and the site's Jinja names `checklist` and `policy_builder` share this model.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import markdown as md
from lxml import html as lxml_html

from .errors import ContentError, Problem
from .pages import long_date

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from .project import Project, Topic

POLICY_PAGE = "policy/model-social-media-policy.md"
FORM_PAGE = "policy/employee-declaration-form.md"
CHECKLIST_PAGE = "checklist.md"
BUILDER_PAGE = "policy/builder.md"

# Pages the whole-guide PDF leaves out, and why (they make no sense on paper); links to them go to the
# board's site. The one list: kit/guide_book.py reads it (no engine plugin is involved).
GUIDE_LEAVES_OUT = {
    "downloads.md": "a list of files to download",
    "posters.md": "the posters are their own PDFs",
    CHECKLIST_PAGE: "interactive; checklist.pdf is its paper version",
    BUILDER_PAGE: "interactive; it runs in the browser",
    "how-to-edit.md": "for the board's editor, not for readers",
    "adapting.md": "for another board adapting this kit, not for readers",
    "review-schedule.md": "for the board's editor; each page shows its own review dates",
}

PLACEHOLDER_HTML = re.compile(r'<mark class="sg-placeholder">(.*?)</mark>', re.S)
SECTION_NUMBER = re.compile(r"^(\d+)\.\s+(.*)$", re.S)
CLAUSE_NUMBER = re.compile(r"^(\d+)\.(\d+)$")
MD_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]


# --------------------------------------------------------------------------------------------
# Markdown to HTML, outside MkDocs (for the documents rendered by WeasyPrint and python-docx)
# --------------------------------------------------------------------------------------------

def to_html(project: Project, text: str) -> str:
    """The HTML of a page's rendered Markdown, with the site's reference links resolved."""
    from .markdown import link_definitions

    converter = md.Markdown(extensions=MD_EXTENSIONS)
    return converter.convert(f"{text}\n\n{link_definitions(project)}\n")


def inline_html(project: Project, text: str) -> str:
    """One line of Markdown (a list item) as inline HTML, without the surrounding <p>."""
    out = to_html(project, text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)


def page_url(project: Project, path: str, fragment: str = "") -> str:
    """The published address of a page (for links from a document to a page it does not contain)."""
    url = project.board.site_url + re.sub(r"\.md$", ".html", path)
    return f"{url}#{fragment}" if fragment else url


def document_date(project: Project, paths: list[str] | tuple[str, ...]) -> dt.date:
    """The date a document shows as 'last reviewed': the latest review of the pages it is made from."""
    dates = [project.pages[p].last_reviewed for p in paths if p in project.pages and project.pages[p].last_reviewed]
    return max(dates) if dates else dt.date(1980, 1, 1)


def document_next_review(project: Project, paths: list[str] | tuple[str, ...]) -> dt.date | None:
    dates = [project.pages[p].next_review for p in paths if p in project.pages and project.pages[p].next_review]
    return min(dates) if dates else None


def build_time(project: Project, paths: list[str] | tuple[str, ...]) -> dt.datetime:
    """The creation time written into a document: SOURCE_DATE_EPOCH when set (the build sets it from
    the last commit), otherwise midnight UTC of the latest review date. Never 'now': two builds of
    the same sources give byte-identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    day = document_date(project, paths)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# The policy and the declaration form as structured text (for the DOCX and the PDFs)
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False
    href: str | None = None


@dataclass
class Block:
    kind: str  # "p" (paragraph), "clause" (numbered paragraph), "bullet", "strong" (a paragraph all in bold)
    runs: list[Run]
    number: str = ""  # "1.2" for a clause, as written in the page

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Section:
    title: list[Run]  # the heading, without its number
    number: int | None  # 1, 2, … for the policy's numbered sections; None for the guidance around them
    blocks: list[Block] = field(default_factory=list)
    anchor: str = ""

    @property
    def title_text(self) -> str:
        return "".join(r.text for r in self.title).strip()


@dataclass
class FormField:
    label: str
    name: str  # the PDF form field's name
    description: str  # its accessible name (the label, made unique)


@dataclass
class PolicyDoc:
    title: str
    intro: list[Block]
    sections: list[Section]


@dataclass
class FormDoc:
    title: str
    before: list[Block]
    fields: list[FormField]
    after: list[Block]


def _runs(el: HtmlElement, *, bold: bool = False, italic: bool = False, placeholder: bool = False,
          href: str | None = None) -> list[Run]:
    """The text of an element as runs of the same formatting (nested inline HTML flattened)."""
    out: list[Run] = []

    def add(text: str | None, **fmt: Any) -> None:
        if not text:
            return
        text = re.sub(r"\s+", " ", text)
        if out and all(getattr(out[-1], k) == v for k, v in fmt.items()):
            out[-1].text += text
        else:
            out.append(Run(text, **fmt))

    def walk(node: HtmlElement, fmt: dict[str, Any]) -> None:
        add(node.text, **fmt)
        for child in node:
            if not isinstance(child.tag, str):  # a comment
                add(child.tail, **fmt)
                continue
            sub = dict(fmt)
            if child.tag in ("strong", "b"):
                sub["bold"] = True
            elif child.tag in ("em", "i"):
                sub["italic"] = True
            elif child.tag == "mark" and "sg-placeholder" in (child.get("class") or ""):
                sub["placeholder"] = True
            elif child.tag == "a":
                sub["href"] = child.get("href")
            if child.tag == "br":
                add("\n", **fmt)
            else:
                walk(child, sub)
            add(child.tail, **fmt)

    walk(el, {"bold": bold, "italic": italic, "placeholder": placeholder, "href": href})
    if out:
        out[0].text = out[0].text.lstrip()
        out[-1].text = out[-1].text.rstrip()
    return [r for r in out if r.text]


def _paragraph(el: HtmlElement) -> Block:
    """A paragraph; one that starts with a bold clause number ('**1.2** …') is a numbered clause."""
    runs = _runs(el)
    first = el[0] if len(el) and isinstance(el[0].tag, str) else None
    number = first.text_content().strip() if first is not None and first.tag == "strong" else ""
    if number and not (el.text or "").strip() and CLAUSE_NUMBER.match(number) and runs[0].text.startswith(number):
        runs[0].text = runs[0].text[len(number):].lstrip()
        runs = [r for r in runs if r.text]
        if runs:
            runs[0].text = runs[0].text.lstrip()
        return Block("clause", runs, number)
    if runs and all(r.bold for r in runs):
        return Block("strong", runs)
    return Block("p", runs)


def _blocks(elements: list[HtmlElement]) -> list[Block]:
    out: list[Block] = []
    for el in elements:
        if el.tag == "p":
            out.append(_paragraph(el))
        elif el.tag in ("ul", "ol"):
            out += [Block("bullet", _runs(li)) for li in el.iterfind("li")]
        elif el.tag == "div" and "admonition" in (el.get("class") or ""):
            out += [Block("p", _runs(p), "") for p in el.iterfind("p") if "admonition-title" not in (p.get("class") or "")]
    return [b for b in out if b.runs]


def _body(project: Project, path: str) -> HtmlElement:
    return lxml_html.fragment_fromstring(to_html(project, project.rendered[path]), create_parent="div")


def policy_document(project: Project) -> PolicyDoc:
    """The model policy: its introduction, then each '## ' section with its clauses and lists.

    The policy's section and clause numbers are written in the page ('## 1. Introduction',
    '**1.1**'); the Word version numbers them with Word's own numbering, so they are checked here
    to run 1, 2, 3… and 1.1, 1.2… (a gap would silently change in Word)."""
    body = _body(project, POLICY_PAGE)
    intro: list[HtmlElement] = []
    parts: list[tuple[HtmlElement, list[HtmlElement]]] = []
    for el in body:
        if not isinstance(el.tag, str):
            continue
        if el.tag == "h2":
            parts.append((el, []))
        elif parts:
            parts[-1][1].append(el)
        else:
            intro.append(el)
    problems: list[Problem] = []
    file = project.pages[POLICY_PAGE].file
    sections: list[Section] = []
    expected = 1
    for heading, elements in parts:
        title = _runs(heading)
        number = None
        if title and (m := SECTION_NUMBER.match(title[0].text)):
            number = int(m.group(1))
            title[0].text = m.group(2)
            if number != expected:
                problems.append(Problem(file, f"section '{heading.text_content().strip()}'",
                                        f"is numbered {number} but follows section {expected - 1}: number the sections 1, 2, 3… in order"))
            expected = number + 1
        section = Section([r for r in title if r.text], number, _blocks(elements), heading.get("id", ""))
        clause = 0
        for block in section.blocks:
            if block.kind != "clause":
                continue
            m = CLAUSE_NUMBER.match(block.number)
            clause += 1
            if number is None or not m or (int(m.group(1)), int(m.group(2))) != (number, clause):
                problems.append(Problem(file, f"clause {block.number}",
                                        f"should be {number}.{clause}: number the paragraphs of section {number} as {number}.1, {number}.2… in order"))
        sections.append(section)
    if not any(s.number for s in sections):
        problems.append(Problem(file, "", "has no numbered sections ('## 1. Introduction'): the Word and PDF versions need them"))
    if problems:
        raise ContentError(problems)
    return PolicyDoc(str(project.pages[POLICY_PAGE].meta.get("title", "")), _blocks(intro), sections)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("’", "")).strip("-")


def form_document(project: Project) -> FormDoc:
    """The declaration form: the text before its table, one field per table row, the text after."""
    body = _body(project, FORM_PAGE)
    before: list[HtmlElement] = []
    after: list[HtmlElement] = []
    table = None
    for el in body:
        if not isinstance(el.tag, str):
            continue
        if el.tag == "table" and table is None:
            table = el
        elif table is None:
            before.append(el)
        else:
            after.append(el)
    file = project.pages[FORM_PAGE].file
    if table is None:
        raise ContentError([Problem(file, "", "has no table of fields (| Field | Details |): the fillable PDF form is made from it")])
    fields: list[FormField] = []
    previous = ""
    for row in table.iterfind(".//tbody/tr"):
        cells = row.findall("td")
        label = re.sub(r"\s+", " ", cells[0].text_content()).strip() if cells else ""
        if not label:
            continue
        name = _slug(label)
        description = label
        if any(f.name == name for f in fields):  # e.g. the manager's "Date": name it after the row before
            name = f"{_slug(previous)}-{name}"
            description = f"{label} ({previous})"
        fields.append(FormField(label, name, description))
        previous = label
    return FormDoc(str(project.pages[FORM_PAGE].meta.get("title", "")), _blocks(before), fields, _blocks(after))


# --------------------------------------------------------------------------------------------
# The managers' checklist: every "What should be in place?" item of every topic
# --------------------------------------------------------------------------------------------

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


def topics_for(project: Project, context: dict[str, Any] | None = None) -> list[Topic]:
    """The topics, read by the loader's own reader. While the loader is still filling in the pages
    (it builds the Jinja names before it reads the topics) they are read here from the topic pages,
    filled in with `context`; any problem in them is reported by the loader's own pass."""
    if project.topics:
        return project.topics
    from .errors import Problems
    from .project import _topic, render_text

    topics = []
    for rel in project.nav:
        page = project.pages.get(rel)
        if rel.startswith("topics/") and page is not None:
            text = render_text(page.body, context or {}, page.file, page.body_line, Problems())
            topics.append(_topic(page, text, Problems()))
    return topics


def checklist_groups(project: Project, context: dict[str, Any] | None = None) -> list[ChecklistGroup]:
    groups = []
    for topic in topics_for(project, context):
        items = []
        for text in topic.in_place:
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
            items.append(ChecklistItem(f"{topic.slug}-{digest}", text))
        groups.append(ChecklistGroup(topic.slug, topic.title, topic.path, items))
    return groups


def checklist_markdown(project: Project, context: dict[str, Any] | None = None) -> str:
    """The Checklist page's tick boxes (Jinja name `checklist`); sg-checklist.js keeps the ticks."""
    groups = checklist_groups(project, context)
    total = sum(len(g.items) for g in groups)
    out = [
        f'<div class="sg-checklist" id="sg-checklist" data-sg-total="{total}" markdown>',
        "",
        '<p class="sg-checklist__count" id="sg-checklist-count" role="status">'
        f'<span id="sg-checklist-done">0</span> of <span id="sg-checklist-total">{total}</span> items in place</p>',
        "",
    ]
    for g in groups:
        out += [f'<fieldset class="sg-checklist__group" id="sg-checklist-{g.slug}" markdown="block">',
                f'<legend class="sg-checklist__legend">{html.escape(g.title)}</legend>',
                '<ul class="sg-checklist__items" markdown="block">']
        for item in g.items:
            box = f"sg-check-{item.id}"
            out.append(f'<li class="sg-checklist__item" markdown="span"><input type="checkbox" class="sg-checklist__box" '
                       f'id="{box}" data-sg-item="{item.id}"> <label class="sg-checklist__label" for="{box}">{item.markdown}</label></li>')
        topic = g.title[:1].lower() + g.title[1:]
        out += ["</ul>", f'<p class="sg-checklist__more" markdown="span">[Read the guidance on {topic}]({g.path})</p>',
                "</fieldset>", ""]
    out += [
        '<div class="sg-checklist__actions">',
        '<button type="button" class="md-button md-button--primary sg-checklist__print" id="sg-checklist-print">Print this checklist</button>',
        '<button type="button" class="md-button sg-checklist__clear" id="sg-checklist-clear">Clear all ticks</button>',
        "</div>",
        "",
        "</div>",
    ]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# The policy builder: the policy page's own text, with its fill-in fields marked for the script
# --------------------------------------------------------------------------------------------

FILLS = (("organisation", re.compile(r"organisation name|name of organisation", re.I)),
         ("contact", re.compile(r"contact", re.I)))


def fill_kind(placeholder: str) -> str:
    """Which of the builder's boxes fills a placeholder: 'organisation', 'contact' or '' (none)."""
    return next((kind for kind, pattern in FILLS if pattern.search(placeholder)), "")


def _mark_fills(text: str) -> str:
    def mark(m: re.Match[str]) -> str:
        kind = fill_kind(m.group(1))
        attr = f' data-sg-fill="{kind}"' if kind else ""
        return f'<mark class="sg-placeholder"{attr}>{m.group(1)}</mark>'
    return PLACEHOLDER_HTML.sub(mark, text)


def _demote(text: str) -> str:
    return re.sub(r"^(#{1,5})(\s)", r"#\1\2", text, flags=re.M)


def policy_builder_markdown(project: Project, rendered: dict[str, str]) -> str:
    """The builder's form and the policy text it fills (Jinja name `policy_builder`).

    `rendered` gives the policy and form pages' Markdown after their own {{ … }} names: the
    policy text is taken from them at build time, never copied. Only the policy itself goes in
    (its numbered sections and Appendix 1): the guidance around it is for the person adapting it."""
    policy = rendered[POLICY_PAGE]
    form = rendered[FORM_PAGE]
    sections = re.split(r"(?m)^(?=## )", policy)
    numbered = [s for s in sections if re.match(r"## \d+\.", s)]
    form = re.sub(r"\]\(model-social-media-policy\.md\)", "](#sg-builder-policy-title)", form)
    policy_text = "".join(numbered)
    policy_text = re.sub(r"\]\(employee-declaration-form\.md\)", "](#sg-builder-appendix)", policy_text)
    policy_title = re.sub(r"^model\s+", "", str(project.pages[POLICY_PAGE].meta.get("title", "")), flags=re.I)
    policy_title = policy_title[:1].upper() + policy_title[1:]  # "Model social media policy" -> "Social media policy"
    form_title = str(project.pages[FORM_PAGE].meta.get("title", ""))
    org = '<mark class="sg-placeholder" data-sg-fill="organisation">(Insert name of Organisation)</mark>'
    out = [
        '<div class="sg-builder" id="sg-builder">',
        '<fieldset class="sg-builder__fields">',
        "<legend>Your organisation’s details</legend>",
        '<div class="sg-builder__field">',
        '<label for="sg-builder-organisation">Name of your organisation</label>',
        '<span class="sg-builder__hint" id="sg-builder-organisation-hint">It replaces “(Insert name of Organisation)” throughout.</span>',
        '<input type="text" id="sg-builder-organisation" class="sg-builder__input" name="organisation" autocomplete="organization" '
        'spellcheck="false" aria-describedby="sg-builder-organisation-hint">',
        "</div>",
        '<div class="sg-builder__field">',
        '<label for="sg-builder-contact">Who employees return the declaration form to (optional)</label>',
        '<span class="sg-builder__hint" id="sg-builder-contact-hint">For example a team and its email address. '
        "It replaces the “(Insert … contact …)” fields.</span>",
        '<input type="text" id="sg-builder-contact" class="sg-builder__input" name="contact" autocomplete="off" '
        'aria-describedby="sg-builder-contact-hint">',
        "</div>",
        "</fieldset>",
        '<div class="sg-builder__actions">',
        '<button type="button" class="md-button md-button--primary" id="sg-builder-print">Print the policy</button>',
        '<button type="button" class="md-button" id="sg-builder-copy">Copy the policy text</button>',
        "</div>",
        '<p class="sg-builder__status" id="sg-builder-status" role="status"></p>',
        "</div>",
        "",
        '<section class="sg-builder__output" id="sg-builder-output" aria-labelledby="sg-builder-policy-title" markdown>',
        "",
        f'<h2 class="sg-builder__title" id="sg-builder-policy-title">{org} {html.escape(policy_title)}</h2>',
        "",
        '<p class="sg-builder__remaining" id="sg-builder-remaining">The highlighted parts still need your attention before you adopt the policy.</p>',
        "",
        _mark_fills(_demote(policy_text)).strip(),
        "",
        f'<h2 class="sg-builder__title" id="sg-builder-appendix">{html.escape(form_title)}</h2>',
        "",
        _mark_fills(_demote(form)).strip(),
        "",
        "</section>",
    ]
    return "\n".join(out)


def page_names(project: Project, context: dict[str, Any]) -> dict[str, str]:
    """The Jinja names of the Checklist page and the policy builder, added to kit.markdown.context_for.

    Both are made while the loader is filling in the pages, so the pages they take their text
    from (the topics, the policy and its form) are filled in here with the other names."""
    from .errors import Problems
    from .project import render_text

    rendered = {}
    for rel in (POLICY_PAGE, FORM_PAGE):
        page = project.pages.get(rel)
        if page is None:
            return {"checklist": checklist_markdown(project, context), "policy_builder": ""}
        rendered[rel] = project.rendered.get(rel) or render_text(page.body, context, page.file, page.body_line, Problems())
    return {"checklist": checklist_markdown(project, context), "policy_builder": policy_builder_markdown(project, rendered)}
