"""Removes contact details from free text before agenda stores or shows it.

What goes: e-mail addresses (also written as "naam [at] domein.nl"), phone numbers (Dutch
landline and mobile in their usual notations, and international +CC / 00CC numbers) and
postcodes, with the house number that may follow (a postcode and a number pin down one
address). What stays: years, amounts and other numbers ("in 2024 en 2025", "30 jongeren").
"""

from __future__ import annotations

import re

EMAIL_MARK = "[e-mailadres]"
PHONE_MARK = "[telefoonnummer]"
ADDRESS_MARK = "[adres]"

_AT = r"(?:@|\s?[\[(]\s?(?:at|apenstaartje)\s?[\])]\s?)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:\s?(?:\.|[\[(]\s?(?:dot|punt)\s?[\])])\s?[\w-]+)+", re.IGNORECASE)

# International: +31 6 1234 5678, 0031 (0)10 123 4567, +32 470 12 34 56.
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){6,11}(?!\w)")
# Dutch national: 06-12345678, 06 1234 5678, 010-1234567, (010) 123 45 67, 0800-1234.
_PHONE_NATIONAL = re.compile(r"(?<![\w+])(?:\(0\d{1,3}\)|0\d{1,3})[\s.-]?\d(?:[\s.-]?\d){3,8}(?!\w)")

_HOUSE_NUMBER = r"(?:\s*,?\s*(?:nr\.?|nummer|huisnummer|no\.?)?\s*\d{1,5}(?:\s?[-/]?\s?[a-zA-Z](?![a-zA-Z])|\s?[-/]\s?\d{1,4})?)"
# 1234 AB, 1234AB (optionally with a house number); letters SA, SD and SS are never used.
_POSTCODE_UPPER = re.compile(rf"\b[1-9]\d{{3}}\s?(?!SA|SD|SS)[A-Z]{{2}}\b{_HOUSE_NUMBER}?")
# 1234ab written together, lowercase: a postcode too (with a space "2024 en" is ordinary text).
_POSTCODE_LOWER = re.compile(rf"\b[1-9]\d{{3}}(?!sa|sd|ss)[a-z]{{2}}\b{_HOUSE_NUMBER}?")


def scrub(text: str) -> str:
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _POSTCODE_UPPER.sub(ADDRESS_MARK, text)
    text = _POSTCODE_LOWER.sub(ADDRESS_MARK, text)
    text = _PHONE_INTERNATIONAL.sub(PHONE_MARK, text)
    return _PHONE_NATIONAL.sub(PHONE_MARK, text)
