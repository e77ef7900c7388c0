"""One embedded font per face in the joined guide (pdf_join.py). Each part's PDF carries its own
subset of every font it uses, all cut from the same font file with the glyph numbers kept
(WeasyPrint subsets with HarfBuzz's retain-gids, and a font's PDF name is a hash of its
description), so the subsets of one face merge into one font: the union of their glyphs (composite
glyphs with their components), widths (/W) and text mappings (/ToUnicode; where two subsets map a
glyph to different text, the first part's, as a single render keeps one). A face whose subsets
disagree on a glyph or a width they share, or that is not a plain TrueType CID font, is left as it
is."""
from __future__ import annotations

import io
import re
from typing import Any

BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
HEX = re.compile(rb"<([0-9a-fA-F]*)>")
CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
"""
CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


def _descendant(font: Any) -> Any:
    return font.DescendantFonts[0]


def _mergeable(font: Any) -> bool:
    import pikepdf

    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return False
    cid = _descendant(font)
    descriptor = cid.get("/FontDescriptor", {})
    return (cid.get("/Subtype") == "/CIDFontType2" and cid.get("/CIDToGIDMap") == "/Identity"
            and "/FontFile2" in descriptor and "/CIDSet" not in descriptor and "/W" in cid)


def _face(font: Any) -> str:
    """What must be equal for two fonts to be subsets of one face (not /FontBBox: WeasyPrint gives
    a subset the box of its own glyphs)."""
    descriptor = _descendant(font).FontDescriptor
    return repr([str(font.BaseFont), *(repr(descriptor.get(k)) for k in
                                        ("/Flags", "/Ascent", "/Descent", "/ItalicAngle", "/CapHeight", "/StemV"))])


def _union_box(members: list[Any]) -> Any:
    import pikepdf

    boxes = [[float(x) for x in _descendant(f).FontDescriptor.FontBBox] for f in members]
    box = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
    return pikepdf.Array([int(x) if x.is_integer() else x for x in box])


def _widths(font: Any) -> dict[int, float]:
    """A CID font's /W: `c [w1 w2 …]` and `c_first c_last w` entries."""
    import pikepdf

    w, out, i = list(_descendant(font).W), {}, 0
    while i < len(w):
        if isinstance(w[i + 1], pikepdf.Array):
            out.update((int(w[i]) + j, float(x)) for j, x in enumerate(w[i + 1]))
            i += 2
        else:
            out.update((c, float(w[i + 2])) for c in range(int(w[i]), int(w[i + 1]) + 1))
            i += 3
    return out


def _widths_array(widths: dict[int, float]) -> Any:
    import pikepdf

    out: list[Any] = []
    for cid in sorted(widths):
        if cid - 1 not in widths:
            out += [cid, pikepdf.Array()]
        out[-1].append(widths[cid])
    return pikepdf.Array(out)


def _to_unicode(font: Any) -> dict[int, bytes]:
    data = font.ToUnicode.read_bytes()
    out: dict[int, bytes] = {}
    for block in BFCHAR.findall(data):
        values = HEX.findall(block)
        for src, dst in zip(values[::2], values[1::2]):
            out.setdefault(int(src, 16), dst.lower())
    for block in BFRANGE.findall(data):
        values = HEX.findall(block)
        for first, last, dst in zip(values[::3], values[1::3], values[2::3]):
            start = int(dst, 16)
            for n, cid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                out.setdefault(cid, f"{start + n:0{len(dst)}x}".encode())
    return out


def _cmap(mapping: dict[int, bytes]) -> bytes:
    items = sorted(mapping.items())
    blocks = [items[i:i + 100] for i in range(0, len(items), 100)]
    body = b"".join(f"{len(b)} beginbfchar\n".encode() + b"".join(b"<%04x> <%s>\n" % (c, u) for c, u in b) + b"endbfchar\n"
                    for b in blocks)
    return CMAP_HEAD + body + CMAP_TAIL


MAXP_MAX = ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones", "maxTwilightPoints",
            "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
            "maxComponentElements", "maxComponentDepth")


def _extremes(merged: Any, fonts: list[Any]) -> None:
    """The font-wide maxima and bounds of the merged font: each glyph comes from a subset whose own
    tables already cover it (so nothing has to be decoded to recompute them)."""
    for table, attrs, pick in (("maxp", MAXP_MAX, max), ("head", ("xMax", "yMax"), max), ("head", ("xMin", "yMin"), min),
                               ("hhea", ("advanceWidthMax", "xMaxExtent"), max),
                               ("hhea", ("minLeftSideBearing", "minRightSideBearing"), min)):
        for attr in attrs:
            values = [getattr(f[table], attr) for f in fonts if hasattr(f[table], attr)]
            if values:
                setattr(merged[table], attr, pick(values))


def _font_program(members: list[Any], used: list[set[int]]) -> bytes | None:
    """The members' font programs as one: every glyph one of them uses (with its components), from
    whichever has it; None when two have the same glyph differently."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    fonts = [TTFont(io.BytesIO(_descendant(f).FontDescriptor.FontFile2.read_bytes()), recalcBBoxes=False,
                     recalcTimestamp=False)  # else head.modified is the build's time: not in the join's key
             for f in members]
    if any("glyf" not in f or "hmtx" not in f for f in fonts):
        return None
    orders = [f.getGlyphOrder() for f in fonts]
    glyfs, hmtxs = [f["glyf"] for f in fonts], [f["hmtx"] for f in fonts]
    base = max(range(len(fonts)), key=lambda i: len(orders[i]))
    merged, order = fonts[base], orders[base]
    have: dict[int, tuple[int, bytes]] = {}  # gid -> the font it came from, and its bytes

    def take(i: int, gid: int) -> bool:
        name = orders[i][gid]
        data = glyfs[i].glyphs[name].compile(glyfs[i], recalcBBoxes=False)  # as stored, not decoded
        if gid in have:
            j, other = have[gid]
            return other == data and hmtxs[j][orders[j][gid]] == hmtxs[i][name]
        have[gid] = (i, data)
        if i != base:
            glyfs[base].glyphs[order[gid]] = Glyph(data)  # as bytes: a composite names its parts by number
            hmtxs[base][order[gid]] = hmtxs[i][name]
        if len(data) >= 2 and data[0] & 0x80:  # a negative number of contours: a composite glyph
            glyph = Glyph(data)
            glyph.expand(glyfs[i])  # the parts' names are this subset's own (each names glyphs from its cmap)
            return all(take(i, fonts[i].getGlyphID(c.glyphName)) for c in glyph.components)
        return True

    for i in [base, *(j for j in range(len(fonts)) if j != base)]:
        if not all(gid < len(order) and take(i, gid) for gid in sorted(used[i])):
            return None
    _extremes(merged, fonts)
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def _merged_font(pdf: Any, members: list[Any]) -> Any | None:
    import pikepdf

    widths: dict[int, float] = {}
    mapping: dict[int, bytes] = {}
    used = []
    for font in members:
        own = _widths(font)
        if any(widths.get(cid, w) != w for cid, w in own.items()):
            return None
        widths.update(own)
        for cid, text in _to_unicode(font).items():
            mapping.setdefault(cid, text)
        used.append(set(own))
    program = _font_program(members, used)
    if program is None:
        return None
    first = members[0]
    descriptor = pikepdf.Dictionary(_descendant(first).FontDescriptor)
    descriptor.FontFile2 = pikepdf.Stream(pdf, program, Length1=len(program))
    descriptor.FontBBox = _union_box(members)
    cid_font = pikepdf.Dictionary(_descendant(first))
    cid_font.FontDescriptor = pdf.make_indirect(descriptor)
    cid_font.W = _widths_array(widths)
    font = pikepdf.Dictionary(first)
    font.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid_font)])
    font.ToUnicode = pikepdf.Stream(pdf, _cmap(mapping))
    return pdf.make_indirect(font)


def _font_dictionaries(pdf: Any) -> list[Any]:
    """The /Font of every resource dictionary the pages draw with: theirs, and those of the form
    XObjects and patterns inside them."""
    import pikepdf

    found, seen = [], set()
    todo = [page.obj.get("/Resources") for page in pdf.pages]
    while todo:
        resources = todo.pop()
        if not isinstance(resources, pikepdf.Dictionary) or (resources.is_indirect and resources.objgen in seen):
            continue
        if resources.is_indirect:
            seen.add(resources.objgen)
        if isinstance(resources.get("/Font"), pikepdf.Dictionary):
            found.append(resources.Font)
        for kind in ("/XObject", "/Pattern"):
            for _name, inner in resources.get(kind, {}).items():
                if isinstance(inner, (pikepdf.Dictionary, pikepdf.Stream)) and not (inner.is_indirect and inner.objgen in seen):
                    if inner.is_indirect:
                        seen.add(inner.objgen)
                    todo.append(inner.get("/Resources"))
    return found


def merge_subsets(pdf: Any) -> int:
    """Merge the subsets of each face into one font; returns how many fonts were replaced."""
    holders = _font_dictionaries(pdf)
    faces: dict[str, dict[tuple[int, int], Any]] = {}
    for holder in holders:
        for _name, font in holder.items():
            if font.is_indirect and _mergeable(font):
                faces.setdefault(_face(font), {})[font.objgen] = font
    replaced: dict[tuple[int, int], Any] = {}
    for members in faces.values():
        if len(members) > 1 and (merged := _merged_font(pdf, list(members.values()))) is not None:
            replaced.update((objgen, merged) for objgen in members)
    for holder in holders:
        for name, font in list(holder.items()):
            if font.is_indirect and font.objgen in replaced:
                holder[name] = replaced[font.objgen]
    return len(replaced)
