"""Links inside the PDFs (link annotations, bookmarks) and what their printed QR codes say."""
from __future__ import annotations

from .address import AddressChecker


def check_pdf(links: AddressChecker, rel: str) -> None:
    links.report.files["PDFs"] += 1
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, IndirectObject

    try:
        reader = PdfReader(str(links.site.root / rel))
        pages = list(reader.pages)
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        links.problem(rel, "", f"cannot be read as a PDF ({e})")
        return
    page_ids = {p.indirect_reference.idnum for p in pages if p.indirect_reference is not None}
    names = {str(k).lstrip("/") for k in reader.named_destinations}
    links.site.pdf_dests[rel] = (names, len(pages))

    def check_dest(label: str, dest: object) -> None:
        links.report.checked["PDFs"] += 1
        dest = dest.get_object() if isinstance(dest, IndirectObject) else dest
        if isinstance(dest, dict) and "/D" in dest:  # a destination dictionary
            dest = dest["/D"]
        if isinstance(dest, ArrayObject):
            ref = dest[0] if len(dest) else None
            if not isinstance(ref, IndirectObject) or ref.idnum not in page_ids:
                links.problem(rel, label, "goes to a page that is not in the PDF")
        elif str(dest).lstrip("/") not in names:
            links.problem(rel, label, f"goes to the destination '{str(dest).lstrip('/')}', which does not exist in the PDF")

    for number, page in enumerate(pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None:
                kind = action.get("/S")
                if kind == "/URI":
                    uri = str(action.get("/URI", ""))
                    links.check(rel, uri, "PDFs", shown=f"page {number}: {uri}")
                elif kind == "/GoTo":
                    check_dest(f"page {number}: internal link", action.get("/D"))
                elif kind == "/GoToR":
                    spec = action.get("/F")
                    spec = spec.get_object() if spec is not None else ""
                    name = str(spec.get("/UF") or spec.get("/F")) if isinstance(spec, dict) else str(spec)
                    links.check(rel, name, "PDFs", shown=f"page {number}: link to file {name}")
                else:
                    links.report.checked["PDFs"] += 1
                    links.problem(rel, f"page {number}: {kind} action", "a PDF link may only open an address or a place in a document")
            elif annot.get("/Dest") is not None:
                check_dest(f"page {number}: internal link", annot["/Dest"])
    check_qr_codes(links, rel)
    try:
        outline = reader.outline
    except Exception as e:  # noqa: BLE001
        links.problem(rel, "bookmarks", f"cannot be read ({e})")
        return

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            links.report.checked["PDFs"] += 1
            try:
                n = reader.get_destination_page_number(item)
            except Exception:  # noqa: BLE001
                n = None
            if n is None or n < 0:
                links.problem(rel, f"bookmark '{item.title}'", "goes to a page that is not in the PDF")

    walk(outline)


def check_qr_codes(links: AddressChecker, rel: str) -> None:
    """Read every QR code in a PDF (each page drawn, then decoded) and check where it leads.
    A poster (a PDF under a posters/ folder) must carry a QR code that can be read."""
    try:
        import pypdfium2
        import zxingcpp
    except ImportError as e:  # pinned in requirements.txt; say so rather than pass silently
        links.problem(rel, "QR codes", f"not checked: {e.name} is not installed (pip install -r requirements.txt)", "warning")
        return
    poster = "posters" in rel.split("/")[:-1]
    try:
        doc = pypdfium2.PdfDocument(str(links.site.root / rel))
    except pypdfium2.PdfiumError as e:
        links.problem(rel, "", f"cannot be drawn to read its QR codes ({e})")
        return
    try:
        for number in range(1, len(doc) + 1):
            page = doc[number - 1]
            codes: list[str] = []
            for scale in (2, 4) if poster else (2,):  # about 144 dpi; a poster's code is tried again at 288
                image = page.render(scale=scale, grayscale=True).to_pil()
                codes = [c.text for c in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
                if codes:
                    break
            for text in codes:
                links.report.qr_codes.append((rel, number, text))
                links.check(rel, text, "QR codes", shown=f"page {number}: QR code {text}")
            if poster and not codes:
                links.report.checked["QR codes"] += 1
                links.problem(rel, f"page {number}", "has no QR code that can be read: a poster's code must lead readers to its page")
    finally:
        doc.close()
