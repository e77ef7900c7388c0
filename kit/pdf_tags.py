"""Where WeasyPrint 70's PDF tags fall short of PDF/UA-1, and what the documents do about it.

Checked by tests/test_pdfua.py (the page-validation PDF/UA-1 profile, and pikepdf over the
structure tree). Two fixes are to the HTML before it is rendered, one to the PDF as it is written:

- a list item holding a paragraph (`<li><p>…</p></li>`, a "loose" Markdown list) is tagged
  LI > Lbl + P, where PDF/UA wants LI > Lbl + LBody: the paragraph is unwrapped;
- running headers and footers (CSS page margin boxes) are drawn as marked content that belongs to
  no structure element; `pagination_artifacts` marks them as pagination artifacts instead.
"""
from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup


def unwrap_list_paragraphs(soup: BeautifulSoup) -> None:
    """`<li><p>a</p><p>b</p></li>` becomes `<li>a<br><br>b</li>`: WeasyPrint then tags the text as
    the item's LBody (a block inside a list item with a marker would sit beside the Lbl instead)."""
    for li in soup.find_all("li"):
        for i, p in enumerate(li.find_all("p", recursive=False)):
            if i:
                p.insert_before(soup.new_tag("br"))
                p.insert_before(soup.new_tag("br"))
            p.unwrap()


def _number(reference: Any) -> int:
    return int(bytes(reference).split()[0])


def pagination_artifacts(document: Any, pdf: Any) -> None:
    """A WeasyPrint `finisher`: the text of the page margin boxes (running header, footer, page
    numbers) becomes `/Artifact <</Type /Pagination>>` content. WeasyPrint builds structure
    elements for that text but links them to nothing ("it could be included in tree as Artifact,
    but that's only allowed in PDF 2.0", weasyprint/pdf/tags.py), so it is content that is neither
    in the structure tree nor an artifact."""
    import pydyf

    del document  # the finisher's first argument; the PDF objects are all this needs
    catalog = pdf.catalog
    if "StructTreeRoot" not in catalog:
        return
    objects = pdf.objects
    root = objects[_number(catalog["StructTreeRoot"])]

    known: dict[int, bool] = {root.number: True}

    def linked(element: Any) -> bool:
        if element.number not in known:
            parent = objects[_number(element["P"])]
            known[element.number] = element.reference in list(parent["K"]) and linked(parent)
        return known[element.number]

    nums = objects[_number(root["ParentTree"])]["Nums"]
    for index in range(0, len(nums), 2):
        mcid_elements = nums[index + 1]
        if not isinstance(mcid_elements, pydyf.Array):
            continue  # an annotation's entry, not a page's
        loose = {mcid for mcid, ref in enumerate(mcid_elements) if not linked(objects[_number(ref)])}
        if not loose:
            continue
        page = objects[_number(pdf.page_references[nums[index]])]
        stream = objects[_number(page["Contents"])].stream
        for i, item in enumerate(stream):
            if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose
                    and i + 1 < len(stream) and stream[i + 1] == b"BDC"):
                stream[i - 1] = "/Artifact"
                stream[i] = pydyf.Dictionary({"Type": "/Pagination"})
