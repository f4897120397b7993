"""Contact details are scrubbed from questions; ordinary numbers stay."""

from __future__ import annotations

import pytest

from services.agenda.scrubbing import scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail me op jan.de.vries@gemeente.nl graag", "Mail me op [e-mailadres] graag"),
        ("Schrijf naar jan [at] buurt.nl", "Schrijf naar [e-mailadres]"),
        ("Bel 06-12345678 of 06 1234 5678", "Bel [telefoonnummer] of [telefoonnummer]"),
        ("Bel +31 6 1234 5678", "Bel [telefoonnummer]"),
        ("Bel 0031 (0)10 123 4567", "Bel [telefoonnummer]"),
        ("Bel +32 470 12 34 56 in België", "Bel [telefoonnummer] in België"),
        ("Bel (010) 123 45 67 of 010-1234567", "Bel [telefoonnummer] of [telefoonnummer]"),
        ("Ik woon op 1234 AB 12a in Utrecht", "Ik woon op [adres] in Utrecht"),
        ("Adres: 3511SE, nr. 14", "Adres: [adres]"),
        ("postcode 3511 SE huisnummer 14-2", "postcode [adres]"),
        ("Wij zitten op 3511se 14", "Wij zitten op [adres]"),
    ],
)
def test_contact_details_are_replaced(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2024 en 2025 kwamen 30 jongeren naar het plein.",
        "Ons budget is 15000 euro voor 12 activiteiten.",
        "Rond 1200 mensen wonen in de wijk, 45% is ouder dan 65.",
        "Het e-mailadres van de gemeente weet ik niet.",
    ],
)
def test_ordinary_text_and_numbers_stay(text):
    assert scrub(text) == text
