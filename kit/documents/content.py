"""What the printable documents are made of, from a filled-in Project.

Nothing here holds guidance text: the policy, the declaration form and the checklist items all come
from the Markdown pages (after their {{ … }} names are filled in). The writers (policy_pdf.py,
policy_docx.py, guide.py) share this model.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import markdown as md
from lxml import html as lxml_html

from ..errors import ContentError, Problem
from ..model.data import link_definitions
from ..model.topics import FORM_PAGE, POLICY_PAGE

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from ..model import Project


SECTION_NUMBER = re.compile(r"^(\d+)\.\s+(.*)$", re.S)
CLAUSE_NUMBER = re.compile(r"^(\d+)\.(\d+)$")
MD_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]
LANG_DEFAULT = "en-GB"


# --------------------------------------------------------------------------------------------
# Markdown to HTML, outside MkDocs (for the documents rendered by WeasyPrint and python-docx)
# --------------------------------------------------------------------------------------------

def to_html(project: Project, text: str) -> str:
    """The HTML of a page's rendered Markdown, with the site's reference links resolved."""
    converter = md.Markdown(extensions=MD_EXTENSIONS)
    return converter.convert(f"{text}\n\n{link_definitions(project.links)}\n")


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


def language(project: Project) -> str:
    """The documents' language (the site's theme.language): the PDFs' tags, the Word styles."""
    theme = project.config.raw.get("theme")
    lang = theme.get("language") if isinstance(theme, dict) else None
    return str(lang or LANG_DEFAULT)


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
            # a note keeps its title ("Updated December 2026") as the bold start of its first paragraph
            title = next((p.text_content().strip() for p in el.iterfind("p") if "admonition-title" in (p.get("class") or "")), "")
            paras = [p for p in el.iterfind("p") if "admonition-title" not in (p.get("class") or "")]
            for i, p in enumerate(paras):
                runs = _runs(p)
                if i == 0 and title and runs:
                    runs = [Run(f"{title}: ", bold=True), *runs]
                out.append(Block("p", runs, ""))
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
