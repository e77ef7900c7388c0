"""The model social media policy as an editable Word document (python-docx), from its page.

Real Word structure, so an organisation can adapt it: Heading 1 for each section, Word's own
multilevel numbering for the sections (1., 2., …) and their paragraphs (1.1, 1.2, …), so numbers
follow when a paragraph is added or removed; the "(Insert …)" fill-in fields as yellow-highlighted
runs; Appendix 1 (the declaration form) at the end, with its table to fill in. Reproducible: fixed
document dates (kit.dates.build_time) and the kit's one reproducible zip (kit.repro.zip_bytes), so two
builds give the same bytes.
"""
from __future__ import annotations

import io
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from .. import repro
from ..dates import build_time
from ..model.topics import FORM_PAGE, POLICY_PAGE
from .content import Block, Run, document_date, form_document, language, policy_document

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

    from ..model import Project

FONT = "Arial"  # on every computer that has Word: the document is for editing, not for show
INK = RGBColor(0x0B, 0x0C, 0x0C)
PAGES = (POLICY_PAGE, FORM_PAGE)  # the pages the Word policy is made from (its dates: their latest review)
NUMBERING_ID = 90  # our multilevel list (sections and their paragraphs), clear of the template's own


def _numbering(doc: DocxDocument) -> int:
    """Add the sections' multilevel numbering: level 0 '1.', level 1 '1.1' (restarting per section)."""
    numbering = doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUMBERING_ID}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr><w:rPr><w:b/></w:rPr></w:lvl>'
        "</w:abstractNum>")
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{NUMBERING_ID}"><w:abstractNumId w:val="{NUMBERING_ID}"/></w:num>'))
    return NUMBERING_ID


def _number(paragraph: Paragraph, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{NUMBERING_ID}"/></w:numPr>'))


def _hyperlink(paragraph: Paragraph, url: str, text: str, *, bold: bool, italic: bool) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    props = "<w:rStyle w:val=\"Hyperlink\"/>" if "Hyperlink" in [s.name for s in paragraph.part.document.styles] else \
        '<w:color w:val="1F4E79"/><w:u w:val="single"/>'
    props += ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    link = parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:rPr>{props}</w:rPr>'
                     f'<w:t xml:space="preserve"></w:t></w:r></w:hyperlink>')
    link.find(".//" + qn("w:t")).text = text
    paragraph._p.append(link)


def _add_runs(project: Project, paragraph: Paragraph, runs: list[Run], *, italic: bool = False) -> None:
    for r in runs:
        href = r.href or ""
        if href.startswith(("http://", "https://", "mailto:", "tel:")) and not r.placeholder:
            _hyperlink(paragraph, href, r.text, bold=r.bold, italic=r.italic or italic)
            continue
        run = paragraph.add_run(r.text)
        run.bold = r.bold or None
        run.italic = (r.italic or italic) or None
        if r.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _styles(doc: DocxDocument, lang: str) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    r_pr = normal.element.get_or_add_rPr()
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>'))
    fonts = r_pr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for name, size in (("Title", 24), ("Subtitle", 13), ("Heading 1", 14), ("Heading 2", 12)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = INK
        style.font.italic = False
        rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        if rfonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if rfonts.get(qn(attr)) is not None:
                    del rfonts.attrib[qn(attr)]
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)
    styles["Heading 1"].paragraph_format.keep_with_next = True
    bullets = styles["List Bullet"].paragraph_format  # under the clause text, which the numbers indent by 1 cm
    bullets.left_indent, bullets.first_line_indent = Mm(16), Mm(-6)
    bullets.space_after = Pt(3)
    # The default template puts a blue rule under the Title: keep it plain.
    title_p_pr = styles["Title"].element.find(qn("w:pPr"))
    if title_p_pr is not None and title_p_pr.find(qn("w:pBdr")) is not None:
        title_p_pr.remove(title_p_pr.find(qn("w:pBdr")))


def _footer(doc: DocxDocument, text: str) -> None:
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.text = ""
    run = p.add_run(f"{text} · Page ")
    run.font.size = Pt(9)
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>')
    p._p.append(field)


def _blocks(project: Project, doc: DocxDocument, blocks: list[Block], *, italic: bool = False) -> None:
    for b in blocks:
        if b.kind == "bullet":
            p = doc.add_paragraph(style="List Bullet")
        else:
            p = doc.add_paragraph()
        if b.kind == "clause":
            _number(p, 1)
        if b.kind == "strong":
            p.paragraph_format.keep_with_next = True
        _add_runs(project, p, b.runs, italic=italic)


def policy_docx(project: Project) -> DocxDocument:
    policy = policy_document(project)
    form = form_document(project)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4 (the template is US Letter)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    section.top_margin = section.bottom_margin = Mm(20)
    _styles(doc, language(project))
    _numbering(doc)

    org = doc.add_paragraph(style="Subtitle")
    _add_runs(project, org, [Run("(Insert name of Organisation)", placeholder=True)])
    doc.add_paragraph(policy.title, style="Title")
    _blocks(project, doc, policy.intro, italic=True)
    for s in policy.sections:
        heading = doc.add_paragraph(style="Heading 1")
        if s.number is not None:
            _number(heading, 0)
        _add_runs(project, heading, s.title)
        _blocks(project, doc, s.blocks)

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = doc.add_paragraph(style="Heading 1")
    heading.add_run(form.title)
    _blocks(project, doc, form.before)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Field", "Details")):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for f in form.fields:
        row = table.add_row()
        row.height = Mm(11)
        row.cells[0].paragraphs[0].add_run(f.label).bold = True
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(60), Mm(106)
    doc.add_paragraph()
    _blocks(project, doc, form.after)
    _footer(doc, f"{policy.title} · {project.board.short_name}")

    props = doc.core_properties
    when = build_time(document_date(project, PAGES)).replace(tzinfo=None)
    props.title = policy.title
    props.subject = str(project.pages[POLICY_PAGE].meta.get("description", ""))
    props.author = project.board.name
    props.last_modified_by = project.board.name
    props.keywords = "social media policy; safeguarding; model policy"
    props.language = language(project)
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    props.comments = f"Model policy from {project.board.name}. Replace the highlighted fill-in fields."
    return doc


def _repeat_header(row) -> None:  # noqa: ANN001 - a python-docx table row
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def policy_docx_inputs(project: Project) -> list[str]:
    """Everything policy_docx() reads, for the Word policy's cache key (kit/documents/cache.py): keep
    it in step with the code above. The board's colour is not among them: the Word policy is black."""
    return [repr(policy_document(project)), repr(form_document(project)), project.board.name, project.board.short_name,
            str(project.pages[POLICY_PAGE].meta.get("description", "")), language(project),
            build_time(document_date(project, PAGES)).isoformat(), f"python-docx={version('python-docx')}"]


def policy_docx_bytes(project: Project) -> bytes:
    """The Word policy: python-docx's entries, in the order it wrote them, rezipped by the kit's
    reproducible zip (every entry dated the build's time, fixed permissions)."""
    buffer = io.BytesIO()
    policy_docx(project).save(buffer)
    with zipfile.ZipFile(buffer) as written:
        entries = [(info.filename, written.read(info.filename)) for info in written.infolist()]
    return repro.zip_bytes(entries, build_time(document_date(project, PAGES)))


def write_policy_docx(project: Project, out: Path) -> Path:
    repro.atomic_write(out, policy_docx_bytes(project))
    return out
