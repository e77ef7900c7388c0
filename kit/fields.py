"""Checks for single values an editor writes in the data files and mkdocs.yml: text, phone numbers,
e-mail and web addresses. Each returns a message for the editor, or None when the value is right."""
from __future__ import annotations

import re
from typing import Any

PHONE = re.compile(r"^\+?\d[\d ]*\d$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
WEB = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$")
LOCAL = re.compile(r"^https?://127\.0\.0\.1(?::\d+)?(?:[/?#]\S*)?$")  # the online link check's own test server


def kind_of(value: Any) -> str:
    """What the editor wrote, in their words (not Python's)."""
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "empty" if value is None else "text"


def text_problem(value: Any) -> str | None:
    """Text fields must be text: a list or a number is a mistake, not something to print as-is."""
    if isinstance(value, str):
        return None if value.strip() else "is empty: give it a value"
    return f"must be text, but is {kind_of(value)}: write it on one line after the colon (in quotes if it is a number)"


def phone_text(value: Any) -> str | None:
    """A phone number as text; an unquoted number (phone: 101) is that number. None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else None


def phone_problem(value: Any) -> str | None:
    text = phone_text(value)
    if text is None:
        return f"must be a phone number, but is {kind_of(value)}"
    if not PHONE.match(text):
        return (f"'{text}' is not a phone number: write only its digits, with spaces if you like, "
                "and a leading + for an international number (e.g. 01632 960000)")
    return None


def email_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not EMAIL.match(value.strip()):
        return f"'{value}' is not an e-mail address: write it as name@example.org, with nothing else"
    return None


def web_address_problem(value: Any, *, https_only: bool = True) -> str | None:
    """A web address the board publishes: https only, written in full. (The online link check
    reads http:// addresses too: its tests serve them from 127.0.0.1.)"""
    if not isinstance(value, str) or not value.strip():
        return "needs a web address starting with https://"
    url = value.strip()
    if url.startswith("//"):
        return f"'{url}' starts with '//': write the full address, starting with https://"
    if url.lower().startswith("http://") and https_only:
        return (f"'{url}' starts with http://: use the https:// address (an http:// link can be read or "
                "changed on the way, and browsers warn about it)")
    if not (WEB.match(re.sub(r"^http://", "https://", url, flags=re.I)) or (not https_only and LOCAL.match(url))):
        return f"'{url}' is not a full web address: it must start with https:// and name a site, like https://www.example.org/page"
    return None
