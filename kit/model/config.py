"""The board's identity (`extra.board`) and the credit to the original authors (`extra.origin`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import colour, fields, yamlio
from ..errors import Problems

BOARD_KEYS = {"name", "short_name", "logo", "logo_alt", "colour", "site_url", "contacts"}
REQUIRED_BOARD_KEYS = BOARD_KEYS - {"logo_alt"}
CONTACT_KEYS = {"label", "phone", "url", "email", "note"}


@dataclass(frozen=True)
class Contact:
    label: str
    phone: str | None = None
    url: str | None = None
    email: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Board:
    name: str
    short_name: str
    logo: str  # path under docs/
    logo_alt: str
    colour: str  # as configured
    colour_accessible: str  # the colour, checked: white text on it meets 4.5:1 (kept as a name for the templates)
    site_url: str  # ends with "/"
    contacts: tuple[Contact, ...]

    def page_url(self, page_path: str) -> str:
        """Absolute address of a page on the board's site, e.g. for a QR code."""
        return self.site_url + page_path


@dataclass(frozen=True)
class Origin:
    credit: str
    licence: str


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    board: Board
    origin: Origin
    raw: dict[str, Any]

    @property
    def example_identity(self) -> bool:
        """True while extra.board is still the guidance's original author (named in extra.origin.credit):
        the default identity is an example for forks, and the pages and posters say so."""
        return bool(self.board.name) and self.board.name in self.origin.credit


def _text(p: Problems, file: str, data: dict[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        p.add(file, f"field {field}", "is missing or empty: give it a value in quotes")
        return ""
    if problem := fields.text_problem(value):
        p.add(file, f"field {field}", problem)
        return ""
    return value.strip()


def load_config(root: Path, file: str = "mkdocs.yml") -> SiteConfig:
    p = Problems()
    path = root / file
    text = yamlio.read_text(path, file, p, missing="the site configuration file is missing")
    try:
        raw, _lines = yamlio.load(text) if text is not None else (None, {})
    except yamlio.YamlError as e:
        e.add_to(p, file)
    p.raise_if_any()
    if not isinstance(raw, dict):
        p.add(file, "", "must be a YAML mapping of settings")
        p.raise_if_any()
    extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
    b = extra.get("board")
    if not isinstance(b, dict):
        p.add(file, "field extra.board", "is missing: the board's identity (name, short_name, logo, colour, site_url, contacts) must be set here")
        b = {}
    for key in sorted(set(b) - BOARD_KEYS):
        p.add(file, f"field extra.board.{key}", f"is not a known setting; use only: {', '.join(sorted(BOARD_KEYS))}")
    for key in sorted(REQUIRED_BOARD_KEYS - set(b)):
        p.add(file, f"field extra.board.{key}", "is missing: every board setting is required")
    name = _text(p, file, b, "name", "extra.board.name") if "name" in b else ""
    short = _text(p, file, b, "short_name", "extra.board.short_name") if "short_name" in b else ""
    logo = _text(p, file, b, "logo", "extra.board.logo") if "logo" in b else ""
    if logo and not (root / "docs" / logo).is_file():
        p.add(file, "field extra.board.logo", f"points to docs/{logo}, which does not exist: put the logo file there or correct the path")
    hexc = b.get("colour", "")
    accessible = "#000000"
    if "colour" in b:
        if hexc is None:
            p.add(file, "field extra.board.colour", "is empty: write the colour as a hex code in quotes, like \"#1f4e79\" "
                  "(without the quotes, the # starts a comment)")
        elif not colour.is_hex(hexc):
            p.add(file, "field extra.board.colour", f"'{hexc}' is not a colour: write it as a hex code in quotes, like \"#1f4e79\"")
        elif (ratio := colour.contrast(hexc, "#ffffff")) < colour.AA_TEXT:
            # Refused, not darkened behind the editor's back: the colour the board sees in its settings is the
            # one every engine, poster and document paints (the site's templates read extra.board.colour).
            p.add(file, "field extra.board.colour", f"'{hexc}' is too light for the white text written on it (contrast "
                  f"{ratio:.1f}:1; WCAG AA needs {colour.AA_TEXT}:1): use \"{colour.darken_for_white_text(hexc)}\", "
                  "the same colour darker, or another colour")
        else:
            accessible = hexc
    site_url = _text(p, file, b, "site_url", "extra.board.site_url") if "site_url" in b else ""
    if site_url and (problem := fields.web_address_problem(site_url)):
        p.add(file, "field extra.board.site_url", problem)
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    contacts: list[Contact] = []
    raw_contacts = b.get("contacts", [])
    if "contacts" in b and (not isinstance(raw_contacts, list) or not raw_contacts):
        p.add(file, "field extra.board.contacts", "must list at least one local contact, each with a label and a phone number or web address")
        raw_contacts = []
    for i, c in enumerate(raw_contacts, start=1):
        field = f"extra.board.contacts[{i}]"
        if not isinstance(c, dict):
            p.add(file, f"field {field}", "must be a mapping like {label: \"…\", phone: \"…\"}")
            continue
        for key in sorted(set(c) - CONTACT_KEYS):
            p.add(file, f"field {field}.{key}", f"is not a known contact setting; use only: {', '.join(sorted(CONTACT_KEYS))}")
        if not isinstance(c.get("label"), str) or not c["label"].strip():
            p.add(file, f"field {field}.label", "is missing: say who this contact is")
        for key, check in (("phone", fields.phone_problem), ("email", fields.email_problem), ("url", fields.web_address_problem)):
            if c.get(key) is not None and (problem := check(c[key])):
                p.add(file, f"field {field}.{key}", problem)
        for key in ("label", "note"):
            if c.get(key) is not None and (problem := fields.text_problem(c[key])):
                p.add(file, f"field {field}.{key}", problem)
        if all(c.get(k) is None for k in ("phone", "url", "email")):
            p.add(file, f"field {field}", "has neither a phone number nor an address: give a phone, url or email")
        phone = fields.phone_text(c.get("phone"))
        contacts.append(Contact(label=str(c.get("label") or "").strip(), phone=phone,
                                **{k: str(c[k]).strip() for k in ("url", "email", "note") if c.get(k) is not None}))
    o = extra.get("origin") if isinstance(extra.get("origin"), dict) else {}
    origin = Origin(credit=str(o.get("credit", "")).strip(), licence=str(o.get("licence", "")).strip())
    if not origin.credit:
        p.add(file, "field extra.origin.credit", "is missing: credit the original authors of the guidance here")
    if not origin.licence:
        p.add(file, "field extra.origin.licence", "is missing: state the licence of the guidance text and the code")
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    for field_name, value, should in (("site_url", raw.get("site_url"), b.get("site_url")), ("theme.logo", theme.get("logo"), logo),
                                      ("theme.favicon", theme.get("favicon"), logo)):
        if should and str(value or "").rstrip("/") != str(should).rstrip("/"):
            alias = "*board_site_url" if field_name == "site_url" else "*board_logo"
            p.add(file, f"field {field_name}", f"must be the board's own ({should}): write it as {alias}, so that it "
                  "follows extra.board (the engines read it from here)")
    p.raise_if_any()
    board = Board(
        name=name, short_name=short, logo=logo, logo_alt=str(b.get("logo_alt") or f"{name} logo"),
        colour=hexc, colour_accessible=accessible, site_url=site_url, contacts=tuple(contacts),
    )
    return SiteConfig(site_name=str(raw.get("site_name", "")), board=board, origin=origin, raw=raw)
