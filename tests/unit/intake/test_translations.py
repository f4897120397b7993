"""The Dutch catalogue covers every text of intake, and the committed .mo is compiled from the .po."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

INTAKE = Path(__file__).resolve().parents[3] / "services" / "intake"
CATALOGUE = INTAKE / "translations" / "nl" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def _source_texts() -> set[str]:
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(str(INTAKE), METHODS, keywords=KEYWORDS)
    }


def _po():
    with (CATALOGUE / "messages.po").open("rb") as f:
        return read_po(f, locale="nl")


def test_every_text_has_a_dutch_translation():
    translated = {m.id: m.string for m in _po() if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_texts() - set(translated))
    assert not missing, f"add these to {CATALOGUE / 'messages.po'}: {missing}"


def test_placeholders_survive_translation():
    for message in _po():
        if message.id:
            for placeholder in ("{max}", "{names}", "%(seconds)s", "%(days)s", "%(number)s", "%(limit)s"):
                assert (placeholder in message.id) == (placeholder in message.string), message.id


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = io.BytesIO()
    write_mo(compiled, _po())
    compiled.seek(0)
    fresh = {m.id: m.string for m in read_mo(compiled) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as f:
        committed = {m.id: m.string for m in read_mo(f) if m.id}
    assert committed == fresh, "run: pybabel compile -d services/intake/translations"
