"""Every PDF the build makes is PDF/UA-1, checked by an independent validator (page-validation's
"ua1" profile), and, beyond what a validator can see, with pikepdf over the structure tree: links
have text and sit in Link elements, running headers and footers are artifacts, no empty Spans,
every table header cell has a /Scope or is named by a data cell's /Headers, and the addresses a
poster prints are links. The kit's own tagging fixes are in kit/pdf_tags.py.

    .venv/bin/python -m pytest tests/test_pdfua.py -q
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import page
import pikepdf
import pytest
from pypdf import PdfReader

from kit import posters
from kit.pdf_tags import unwrap_list_paragraphs
from kit import outputs

DOCUMENTS = [outputs.GUIDE, outputs.POLICY_PDF, outputs.FORM_PDF, outputs.CHECKLIST_PDF]


@pytest.fixture(scope="module")
def pdfs(site: Path, project) -> dict[str, Path]:
    """Every PDF under site/downloads, by its path there; it must be exactly the posters and documents."""
    downloads = site / "downloads"
    # the print-shop posters (posters/print/) are PDF/X-4, not PDF/UA: tests/test_print_posters.py checks them
    found = {p.relative_to(downloads).as_posix(): p for p in sorted(downloads.rglob("*.pdf"))
             if not p.relative_to(downloads).as_posix().startswith("posters/print/")}
    expected = set(DOCUMENTS) | {f"posters/{s.slug}-{size}.pdf" for s in posters.poster_specs(project) for size in posters.SIZES}
    assert set(found) == expected, f"PDFs made but not expected: {sorted(set(found) - expected)}; missing: {sorted(expected - set(found))}"
    assert len(found) == len(DOCUMENTS) + 2 * len(posters.poster_specs(project)) >= 24
    return found


def ua1_failures(path: Path) -> list[str]:
    """page-validation's PDF/UA-1 verdict on one file: '<rule id>: <what>' for each rule it fails."""
    report = page.validate_pdf(str(path), profile="ua1")
    return [] if report.is_compliant else [f"{f.rule_id}: {f.message}" for f in report.failures] or ["not compliant"]


def test_every_pdf_passes_the_pdfua1_profile(pdfs: dict[str, Path]) -> None:
    failing = {name: ua1_failures(path) for name, path in pdfs.items()}
    failing = {name: rules for name, rules in failing.items() if rules}
    assert not failing, "not PDF/UA-1 (page-validation " + version("page-validation") + "):\n" + "\n".join(
        f"  site/downloads/{name}: {rule}" for name, rules in failing.items() for rule in rules)


@pytest.mark.slow
def test_the_validator_catches_a_loose_list_item_and_the_fix_works(tmp_path: Path) -> None:
    """The guide's failure before the fix: WeasyPrint tags <li><p>…</p></li> as LI > Lbl + P."""
    from bs4 import BeautifulSoup
    from weasyprint import HTML

    html = '<html lang="en-GB"><title>List</title><ul><li><p>One</p></li><li><p>Two</p><p>More</p></li></ul></html>'
    loose, fixed = tmp_path / "loose.pdf", tmp_path / "fixed.pdf"
    HTML(string=html).write_pdf(loose, pdf_variant="pdf/ua-1")
    assert any(f.startswith("PDFUA1-LI-KIDS-001") for f in ua1_failures(loose))
    soup = BeautifulSoup(html, "html.parser")
    unwrap_list_paragraphs(soup)
    HTML(string=str(soup)).write_pdf(fixed, pdf_variant="pdf/ua-1")
    assert ua1_failures(fixed) == []
    assert "OneTwoMore" in re.sub(r"\s+", "", PdfReader(fixed).pages[0].extract_text())


# --------------------------------------------------------------------------- the structure tree
def kids(element: pikepdf.Dictionary) -> list:
    k = element.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot."""
    todo = kids(pdf.Root.StructTreeRoot)
    while todo:
        el = todo.pop()
        if isinstance(el, pikepdf.Dictionary) and "/S" in el:
            yield el
            todo.extend(kids(el))


def has_content(element: pikepdf.Dictionary) -> bool:
    """Marked content (an MCID) in the element or any element under it."""
    for k in kids(element):
        if isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and "/MCID" in k):
            return True
        if isinstance(k, pikepdf.Dictionary) and "/S" in k and has_content(k):
            return True
    return False


def problems(pdfs: dict[str, Path], check) -> list[str]:  # noqa: ANN001 - check(pdf) -> list of str
    found = []
    for name, path in pdfs.items():
        with pikepdf.open(path) as pdf:
            found += [f"site/downloads/{name}: {p}" for p in check(pdf)]
    return found


def link_problems(pdf: pikepdf.Pdf) -> list[str]:
    out = [f"a Link element to {uri(el)} with no text and no /Alt" for el in elements(pdf)
           if el.S == "/Link" and "/Alt" not in el and not has_content(el)]
    parents = pdf.Root.StructTreeRoot.ParentTree.Nums
    by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
    for page_ in pdf.pages:
        for annot in page_.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link":
                parent = by_key.get(int(annot.get("/StructParent", -1)))
                if not isinstance(parent, pikepdf.Dictionary) or parent.get("/S") != "/Link":
                    out.append(f"a link annotation to {annot.get('/A', {}).get('/URI', '?')} outside any Link element")
    return out


def uri(link: pikepdf.Dictionary) -> str:
    objr = next((k for k in kids(link) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"), None)
    return str(objr.Obj.get("/A", {}).get("/URI", "an anchor")) if objr is not None else "nowhere"


def test_every_link_has_text_and_a_link_element(pdfs: dict[str, Path]) -> None:
    found = problems(pdfs, link_problems)
    assert not found, "\n".join(found)


def test_no_empty_spans(pdfs: dict[str, Path]) -> None:
    found = problems(pdfs, lambda pdf: [
        f"an empty Span in a {el.P.S} (no content, children, /Alt or /ActualText)" for el in elements(pdf)
        if el.S == "/Span" and not kids(el) and "/Alt" not in el and "/ActualText" not in el])
    assert not found, "\n".join(found)


def marked_content(pdf: pikepdf.Pdf, page_: pikepdf.Page | pikepdf.Object,
                   resources: pikepdf.Object | None = None, form: bool = False) -> Iterator[tuple[str, pikepdf.Object, bool]]:
    """(tag, properties, whether it is inside a form XObject) of every marked-content sequence of a
    page's content, the form XObjects it draws included (the guide's page numbers are one)."""
    if resources is None:
        resources = (page_.obj if isinstance(page_, pikepdf.Page) else page_).get("/Resources", pikepdf.Dictionary())
    for operands, operator in pikepdf.parse_content_stream(page_):
        if str(operator) == "BDC":
            yield str(operands[0]), operands[1], form
        elif str(operator) == "BMC":
            yield str(operands[0]), pikepdf.Dictionary(), form
        elif str(operator) == "Do":
            xobject = resources.get("/XObject", {}).get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                yield from marked_content(pdf, xobject, xobject.get("/Resources", resources), True)


def content_outside_the_tree(pdf: pikepdf.Pdf) -> list[str]:
    """Content with an MCID must belong to an element of the tree; anything else must be an artifact."""
    reachable = {el.objgen for el in elements(pdf)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    out = []
    for number, page_ in enumerate(pdf.pages, start=1):
        owners = parents.get(int(page_.obj.get("/StructParents", -1)), [])
        for tag, props, in_form in marked_content(pdf, page_):
            if "/MCID" in props and in_form:
                out.append(f"page {number}: {tag} content (MCID {int(props.MCID)}) inside a form XObject")
            elif "/MCID" in props:
                owner = owners[int(props.MCID)]
                if owner.objgen not in reachable:
                    out.append(f"page {number}: {tag} content (MCID {int(props.MCID)}) is in no structure element")
            elif tag != "/Artifact":
                out.append(f"page {number}: {tag} content that is neither tagged nor an artifact")
    return out


def test_running_headers_and_footers_are_artifacts(pdfs: dict[str, Path]) -> None:
    found = problems(pdfs, content_outside_the_tree)
    assert not found, "\n".join(found[:20]) + (f"\n… {len(found) - 20} more" if len(found) > 20 else "")
    with pikepdf.open(pdfs[outputs.GUIDE]) as pdf:
        for number, page_ in enumerate(pdf.pages, start=1):
            pagination = [form for tag, p, form in marked_content(pdf, page_) if tag == "/Artifact" and p.get("/Type") == "/Pagination"]
            # the footer (document name) and the section name above on every page but the cover, and the
            # page number, drawn by the numbers sheet laid over the page (kit/documents/guide_parts.py)
            assert number == 1 or (False in pagination and True in pagination), \
                f"guide.pdf page {number}: no pagination artifact in the page and in its numbers ({pagination})"


def table_problems(pdf: pikepdf.Pdf) -> list[str]:
    cells = [el for el in elements(pdf) if el.S in ("/TH", "/TD")]
    named = {bytes(h) for el in cells if el.S == "/TD" for h in el.get("/A", {}).get("/Headers", [])}
    return [f"a table header cell (ID {el.get('/ID', '?')}) with no /Scope that no data cell's /Headers names"
            for el in cells if el.S == "/TH" and "/Scope" not in el.get("/A", {})
            and ("/ID" not in el or bytes(el.ID) not in named)]


def test_every_table_header_cell_has_a_scope_or_names_cells(pdfs: dict[str, Path]) -> None:
    found = problems(pdfs, table_problems)
    assert not found, "\n".join(found)
    with pikepdf.open(pdfs[outputs.POLICY_PDF]) as pdf:
        assert any(el.S == "/TH" for el in elements(pdf)), "the policy's form table has header cells"


def link_targets(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", [])
                if a.get("/Subtype") == "/Link" and "/A" in a and "/URI" in a.A}


def printed(address: str, text: str) -> bool:
    """The address is in the (whitespace-free) text, not just the start of a longer one."""
    return re.search(re.escape(address) + r"(?![/\w-])", text) is not None


def test_every_address_a_poster_prints_is_a_link(pdfs: dict[str, Path], project) -> None:
    """The page address in the footer, and every address of docs/data/links.yml a poster prints
    (the reporting poster's routes and the text that names them), has a link over it."""
    unlinked = []
    for spec in posters.poster_specs(project):
        addresses = {posters.short_address(project.board.page_url(spec.html_path)): project.board.page_url(spec.html_path)}
        addresses |= {posters.short_address(link.url): link.url for link in project.links.values()}
        for size in posters.SIZES:
            name = f"posters/{spec.slug}-{size}.pdf"
            text = re.sub(r"\s+", "", PdfReader(pdfs[name]).pages[0].extract_text())
            targets = link_targets(pdfs[name])
            unlinked += [f"site/downloads/{name}: {short} is printed with no link to {url}"
                         for short, url in addresses.items() if printed(short, text) and url not in targets]
    assert not unlinked, "\n".join(unlinked)
    reporting = link_targets(pdfs["posters/reporting-concerns-a4.pdf"])
    assert len(reporting) >= 3, f"the reporting poster links its page and its routes: {reporting}"
