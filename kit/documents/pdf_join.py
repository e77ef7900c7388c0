"""Joining the guide's part PDFs (WeasyPrint's tagged PDF/UA-1 files, kit/documents/guide_chapters.py)
into one PDF that reads as if it had been rendered at once.

The first part's catalog stays (language, XMP metadata with the PDF/UA identification, document
info, /MarkInfo, /ViewerPreferences); each later part brings its pages, and with them:
- its structure tree: the elements under its Document become children of the first part's Document;
  its ParentTree keys (and the pages' /StructParents, the annotations' /StructParent) are moved past
  those already used, so the joined file has one tree and one ParentTree;
- its named destinations (one sorted name tree) and its outline (appended at the top level);
- its links to another part (addresses starting with `goto`) become internal links to the named
  destination, as a single render writes them.
The numbers sheet's pages (the page numbers only, as pagination artifacts) are then laid over the
joined pages one to one, each as a form XObject drawn after the page's own content. The parts'
subsets of each font become one font (pdf_fonts.py).
Identical streams (the same image or font file in several parts) are kept once. The file's /ID is
made from its content.
"""
from __future__ import annotations

import warnings
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .pdf_fonts import merge_subsets

VERSION = "4"


def identity() -> str:
    import fontTools
    import pikepdf

    return f"{VERSION}|pikepdf={pikepdf.__version__}|qpdf={pikepdf.__libqpdf_version__}|fontTools={fontTools.version}"


def _kids(element: Any) -> list[Any]:
    import pikepdf

    k = element.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])


def _document(pdf: Any) -> Any:
    (document,) = _kids(pdf.Root.StructTreeRoot)
    assert document.S == "/Document", document.S
    return document


def _nums(pdf: Any) -> Any:
    tree = pdf.Root.StructTreeRoot.ParentTree
    assert "/Kids" not in tree, "a ParentTree with /Kids: WeasyPrint writes one flat /Nums"
    return tree.Nums


def _next_key(pdf: Any) -> int:
    nums = _nums(pdf)
    return max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1


def _shift_keys(pdf: Any, offset: int) -> None:
    """Move every ParentTree key of `pdf` (and the /StructParents and /StructParent naming them) by `offset`."""
    nums = _nums(pdf)
    for i in range(0, len(nums), 2):
        nums[i] = int(nums[i]) + offset
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset


def _names(pdf: Any) -> list[tuple[Any, Any]]:
    names = pdf.Root.get("/Names", {}).get("/Dests")
    if names is None:
        return []
    assert "/Kids" not in names, "a name tree with /Kids: WeasyPrint writes one flat /Names"
    flat = list(names.Names)
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def _children(item: Any) -> list[Any]:
    """An outline item's children (or the outline's top-level items), in order."""
    children, child = [], item.get("/First")
    while child is not None:
        children.append(child)
        child = child.get("/Next")
    return children


def _outline_items(pdf: Any) -> list[Any]:
    outlines = pdf.Root.get("/Outlines")
    return _children(outlines) if outlines is not None else []


def _append_part(dest: Any, src: Any, continues: bool = False) -> None:
    import pikepdf

    _shift_keys(src, _next_key(dest))
    nums = _nums(src)
    # Cut the part's tops loose from its root, so copying them copies nothing above them.
    tops = _kids(_document(src))
    for element in tops:
        del element["/P"]
    items = _outline_items(src)
    for item in items:
        for key in ("/Parent", "/Prev", "/Next"):
            if key in item:
                del item[key]
    names = src.make_indirect(pikepdf.Array([value for pair in _names(src) for value in pair]))
    with warnings.catch_warnings():  # pikepdf warns that named destinations are not copied: done below
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        dest.pages.extend(src.pages)  # first: the objects below then refer to the copied pages

    document = _document(dest)
    if not isinstance(document.get("/K"), pikepdf.Array):
        document.K = pikepdf.Array(_kids(document))
    for element in tops:
        copy = dest.copy_foreign(element)
        copy.P = document
        document.K.append(copy)
    dest_nums = _nums(dest)
    for i in range(0, len(nums), 2):
        value = nums[i + 1]
        dest_nums.append(nums[i])
        dest_nums.append(dest.copy_foreign(value if value.is_indirect else src.make_indirect(value)))
    dest_names = dest.Root.Names.Dests.Names
    for value in dest.copy_foreign(names):
        dest_names.append(value)
    outlines = dest.Root.get("/Outlines")
    parent = outlines.Last if continues and "/Last" in outlines else outlines  # a chapter's later page: under it
    for item in items:
        copy = dest.copy_foreign(item)
        copy.Parent = parent
        if "/Last" in parent:
            copy.Prev = parent.Last
            parent.Last.Next = copy
        else:
            parent.First = copy
        parent.Last = copy
    for key in ("/RoleMap", "/ClassMap"):
        if key in src.Root.StructTreeRoot:
            if key not in dest.Root.StructTreeRoot:  # pikepdf's Dictionary has no setdefault
                dest.Root.StructTreeRoot[key] = pikepdf.Dictionary()
            mapping = dest.Root.StructTreeRoot[key]
            for name, value in dest.copy_foreign(src.make_indirect(src.Root.StructTreeRoot[key])).items():
                if name not in mapping:
                    mapping[name] = value


def _recount(outlines: Any) -> None:
    """Each outline item's /Count (its descendants shown when open; negative when closed, as
    WeasyPrint writes them), and the outline's, after items moved under others."""
    def shown(item: Any) -> int:
        n = 0
        for child in _children(item):
            below = shown(child)
            closed = int(child.get("/Count", 0)) < 0
            child.Count = -below if closed else below
            n += 1 + (0 if closed else below)
        return n

    outlines.Count = shown(outlines)


def _internal_links(pdf: Any, goto: str, destinations: set[str]) -> None:
    import pikepdf

    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            uri = str(annot.get("/A", {}).get("/URI", ""))
            if uri.startswith(goto):
                name = unquote(uri.removeprefix(goto))
                if name not in destinations:
                    raise ValueError(f"a link between the guide's parts goes to #{name}, which is in no part")
                del annot["/A"]
                annot.Dest = pikepdf.String(name)
                if "/Contents" in annot:
                    annot.Contents = pikepdf.String(name)


def _dedupe_streams(pdf: Any) -> None:
    """Point every reference from the pages (their contents, resources, annotations) to a stream
    at the first identical one (same dictionary, same data)."""
    import hashlib

    import pikepdf

    first: dict[bytes, Any] = {}
    twins: dict[tuple[int, int], Any] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") not in ("/XRef", "/ObjStm", "/Metadata"):
            fingerprint = hashlib.sha256(obj.read_raw_bytes() + repr(sorted((k, repr(v)) for k, v in obj.items() if k != "/Length")).encode()).digest()
            if fingerprint in first:
                twins[obj.objgen] = first[fingerprint]
            else:
                first[fingerprint] = obj
    if not twins:
        return
    seen: set[tuple[int, int]] = set()

    def walk(container: Any) -> None:
        items = container.items() if isinstance(container, pikepdf.Dictionary) else enumerate(container)
        for key, value in list(items):
            if key == "/Parent":  # up the page tree: every page is walked from itself
                continue
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                if value.is_indirect and value.objgen in twins:
                    container[key] = twins[value.objgen]
                    continue
                if value.is_indirect:
                    if value.objgen in seen:
                        continue
                    seen.add(value.objgen)
                walk(value.stream_dict if isinstance(value, pikepdf.Stream) else value)

    for page in pdf.pages:  # streams are drawn from pages (the structure tree, outline and names hold none)
        if page.objgen not in seen:
            seen.add(page.objgen)
            walk(page.obj)


def _overlay(dest: Any, sheet: Any) -> None:
    """Draw each page of `sheet` over the page of `dest` with its number: the page's own streams
    are kept as they are, between a "q" and a "Q" (so the sheet is drawn from the page's origin),
    and the sheet's page is a form XObject in the page's resources."""
    import pikepdf

    if len(sheet.pages) != len(dest.pages):
        raise ValueError(f"a numbers sheet of {len(sheet.pages)} pages for {len(dest.pages)} joined pages")
    save = dest.make_stream(b"q\n")
    for number, (page, numbers) in enumerate(zip(dest.pages, sheet.pages), start=1):
        if page.mediabox != numbers.mediabox:
            raise ValueError(f"page {number} of the numbers sheet is not the size of the page it numbers")
        name = pikepdf.Name(f"/SgNumbers{number}")
        resources = page.obj.Resources  # WeasyPrint writes one per page or per document, never inherited
        if "/XObject" not in resources:
            resources.XObject = pikepdf.Dictionary()
        resources.XObject[name] = dest.copy_foreign(numbers.as_form_xobject())
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        page.obj.Contents = pikepdf.Array([save, *streams, dest.make_stream(b"\nQ\nq " + name.unparse() + b" Do Q\n")])


def join(parts: list[Path], out: Path, goto: str, numbers: Path | None = None, continues: list[bool] | None = None) -> None:
    """Join the part PDFs, in order, into `out` (written through a temporary file beside it), with
    the pages of `numbers` laid over them; the bookmarks of a part that `continues` the one before
    go under that part's last top-level bookmark (a chapter's later pages under the chapter)."""
    import pikepdf

    with ExitStack() as stack:
        dest = stack.enter_context(pikepdf.open(parts[0]))
        for i, path in enumerate(parts[1:], start=1):
            _append_part(dest, stack.enter_context(pikepdf.open(path)), bool(continues and continues[i]))
        if "/Outlines" in dest.Root:
            _recount(dest.Root.Outlines)
        if numbers is not None:
            _overlay(dest, stack.enter_context(pikepdf.open(numbers)))
        merge_subsets(dest)
        names = _names(dest)
        names.sort(key=lambda pair: bytes(pair[0]))  # a name tree's keys are in byte order
        dest.Root.Names.Dests.Names = pikepdf.Array([value for pair in names for value in pair])
        destinations = {str(name) for name, _ in names}
        _internal_links(dest, goto, destinations)
        _dedupe_streams(dest)
        del dest.trailer["/ID"]  # else qpdf keeps the first part's as the /ID's first half
        tmp = out.with_name(f".{out.name}.tmp")
        dest.save(tmp, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                  compress_streams=True, linearize=False, fix_metadata_version=False)
    tmp.replace(out)
