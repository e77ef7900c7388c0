"""Colour arithmetic for WCAG contrast checks."""
from __future__ import annotations

import re

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
AA_TEXT = 4.5


def is_hex(value: object) -> bool:
    return isinstance(value, str) and bool(HEX.match(value))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def to_hex(r: int, g: int, b: int) -> str:
    return f"#{r:02x}{g:02x}{b:02x}"


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darken_for_white_text(hex_colour: str, target: float = AA_TEXT) -> str:
    """The closest darker shade of `hex_colour` on which white text meets `target`."""
    r, g, b = rgb(hex_colour)
    for step in range(0, 101):
        f = 1 - step / 100
        shade = to_hex(round(r * f), round(g * f), round(b * f))
        if contrast(shade, "#ffffff") >= target:
            return shade
    return "#000000"


CSS_VARIABLE = re.compile(r"--([\w-]+)\s*:\s*([^;}]+)")


def css_colours(*stylesheets: str) -> dict[str, str]:
    """Every custom property of the stylesheets whose value is a colour, given as #hex or as
    var(--other) of one (followed to the end): name (without --) -> #hex."""
    values = {name: value.split("/*")[0].strip() for sheet in stylesheets for name, value in CSS_VARIABLE.findall(sheet)}

    def resolve(name: str, seen: frozenset[str] = frozenset()) -> str | None:
        value = values.get(name, "")
        if is_hex(value):
            return value
        m = re.fullmatch(r"var\(--([\w-]+)\)", value)
        return resolve(m.group(1), seen | {name}) if m and m.group(1) not in seen else None

    return {name: hexc for name in values if (hexc := resolve(name))}
