"""Word documents: every hyperlink obeys the rules and every internal link goes to a bookmark that exists."""
from __future__ import annotations

import zipfile

import lxml.etree

from .address import AddressChecker


def check_docx(links: AddressChecker, rel: str) -> None:
    links.report.files["Word documents"] += 1
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        with zipfile.ZipFile(links.site.root / rel) as z:
            names = z.namelist()
            parts = {n: z.read(n) for n in names if n.startswith("word/") and n.endswith((".xml", ".rels"))}
    except (zipfile.BadZipFile, OSError) as e:
        links.problem(rel, "", f"cannot be opened as a Word document ({e})")
        return
    bookmarks: set[str] = set()
    anchors: list[tuple[str, str]] = []
    for name, data in parts.items():
        if not name.endswith(".xml"):
            continue
        try:
            tree = lxml.etree.fromstring(data)
        except lxml.etree.XMLSyntaxError:
            links.problem(rel, name, "is not well-formed XML: Word may refuse to open the document")
            continue
        bookmarks |= {el.get(f"{w}name") for el in tree.iter(f"{w}bookmarkStart")}
        anchors += [(name, el.get(f"{w}anchor")) for el in tree.iter(f"{w}hyperlink") if el.get(f"{w}anchor")]
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        for r in lxml.etree.fromstring(data).iter("{*}Relationship"):
            if not (r.get("Type") or "").endswith("/hyperlink"):
                continue
            target = r.get("Target") or ""
            links.check(rel, target, "Word documents", shown=f"hyperlink {target}")
    for part, anchor in anchors:
        links.report.checked["Word documents"] += 1
        if anchor not in bookmarks:
            links.problem(rel, f"internal link #{anchor}", "goes to a bookmark that does not exist in the document")
