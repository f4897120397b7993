"""Removes contact details from free text before agenda stores or shows it."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Dutch numbers: 06-12345678, +31 6 1234 5678, 010-1234567, 0031...
_PHONE = re.compile(r"(?<!\w)(\+31|0031|0)[\s-]?(\(0\)[\s-]?)?\d([\s-]?\d){7,9}(?!\w)")
# A postcode with a house number pins down one address: 1234 AB 12, 1234AB, nr 5
_POSTCODE_HOUSE = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b(\s*,?\s*(nr\.?|nummer)?\s*\d+\s?[a-zA-Z]?\b)?")


def scrub(text: str) -> str:
    text = _EMAIL.sub("[e-mailadres]", text)
    text = _PHONE.sub("[telefoonnummer]", text)
    return _POSTCODE_HOUSE.sub("[adres]", text)
