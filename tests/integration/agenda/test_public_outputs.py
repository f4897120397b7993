"""What the public sees of a version: HTML (nl, en), JSON API, Atom feed, CSV and JSON exports.

Small groups (fewer than 5 members) are suppressed in every one of them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import feedparser

from tests.integration.agenda.conftest import curator_publish
from tests.integration.agenda.feeding import GRONINGEN, UTRECHT

SMALL_THEME = ("armoede-bestaanszekerheid", "Armoede, schulden en bestaanszekerheid")


class Outline(HTMLParser):
    """Tags, attributes and visible text of a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())

    def has(self, tag: str, **attrs) -> bool:
        return any(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self.tags)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def _seed(feed):
    # Green: 5 members in Utrecht as residents, 1 in Groningen as administrator.
    feed.members(5, questions=[("Hoe leg je samen een buurttuin aan?", ["groen-natuur"])], place=UTRECHT, role="bewoner")
    feed.members(1, questions=[("Bel me op 06-12345678: hoe krijg ik een boom voor de deur?", ["groen-natuur"])], place=GRONINGEN, role="bestuurder")
    # A theme of 4 members: never published with a number, here not even by name.
    feed.members(4, questions=[("Hoe help je buren met schulden?", [SMALL_THEME[0]])], place=UTRECHT)


def test_html_page_in_dutch_and_english_is_accessible_and_suppresses_small_groups(agenda, feed):
    _seed(feed)
    curator_publish(agenda)
    page = agenda.client.get("/versions/1")
    assert page.status_code == 200 and page.headers["Content-Language"] == "nl"
    html = page.get_data(as_text=True)
    doc = outline(html)
    assert doc.has("html", lang="nl")
    for landmark in ("header", "nav", "main", "footer"):
        assert doc.has(landmark), landmark
    assert sum(1 for t, _ in doc.tags if t == "h1") == 1
    assert doc.has("svg", role="img") and "<title id=\"chart-priority-title\">Thema's op prioriteit</title>" in html.replace("&#39;", "'")
    assert doc.has("th", scope="row") and doc.has("caption")
    assert "Hoe de volgorde tot stand komt" in doc.text and "Spreiding over gemeenten" in doc.text
    assert "Hoe leg je samen een buurttuin aan?" in html
    # Groningen and the administrator: one member each, so no number.
    rows = re.findall(r"<tr><th scope=\"row\">(Groningen|Bestuurder|Utrecht|Bewoner)</th><td class=\"num\">(.*?)</td></tr>", html)
    assert dict(rows)["Utrecht"] == "5" and dict(rows)["Bewoner"] == "5"
    assert "minder dan 5" in dict(rows)["Groningen"] and "minder dan 5" in dict(rows)["Bestuurder"]
    assert SMALL_THEME[1] not in html and SMALL_THEME[0] not in html
    assert "06-12345678" not in html  # scrubbed before it was stored

    english = agenda.client.get("/versions/1?lang=en").get_data(as_text=True)
    assert outline(english).has("html", lang="en") and "How the ranking came about" in english
    assert "Green space, nature and play" in english and "fewer than 5" in english
    by_header = agenda.client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert by_header.status_code == 200 and outline(by_header.get_data(as_text=True)).has("html", lang="en")


def test_live_page_before_any_version(agenda, feed):
    _seed(feed)
    assert agenda.client.get("/").status_code == 302
    live = agenda.client.get("/live").get_data(as_text=True)
    assert "Leeragenda (live)" in live and "Groen, natuur en spelen" in live and SMALL_THEME[1] not in live


def test_json_api_feed_and_exports_suppress_small_groups(agenda, feed):
    _seed(feed)
    curator_publish(agenda)
    version = agenda.client.get("/api/v1/versions/1").get_json()
    (green,) = version["themes"]
    assert green["slug"] == "groen-natuur" and green["members"] == 6 and version["themes_not_shown"] == 1
    assert {c["key"]: c["members"] for c in green["breakdown"]["provinces"]} == {"PV20": None, "PV26": 5}
    assert {c["key"]: c["members"] for c in green["breakdown"]["roles"]} == {"bewoner": 5, "bestuurder": None}
    assert all("id" not in q and "member_id" not in q for q in green["representative_questions"])
    assert {c["key"]: c["members"] for c in version["totals"]["provinces"]} == {"PV20": None, "PV26": 9}
    assert agenda.client.get("/api/v1/versions/latest").get_json()["version"] == 1
    missing = agenda.client.get("/api/v1/versions/7")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"

    parsed = feedparser.parse(agenda.client.get("/feed.atom").get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Buurtplatform: Leeragenda" and len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.link == "http://buurt.test/agenda/versions/1"
    assert "Groen, natuur en spelen" in entry.summary and SMALL_THEME[1] not in entry.summary

    themes = list(csv.DictReader(io.StringIO(agenda.client.get("/versions/1/themes.csv").get_data(as_text=True))))
    assert [(r["slug"], r["members"]) for r in themes] == [("groen-natuur", "6")]
    breakdown = list(csv.DictReader(io.StringIO(agenda.client.get("/versions/1/breakdown.csv").get_data(as_text=True))))
    assert {(r["dimension"], r["key"]): r["members"] for r in breakdown} == {
        ("provinces", "PV20"): "",
        ("provinces", "PV26"): "5",
        ("roles", "bewoner"): "5",
        ("roles", "bestuurder"): "",
    }
    questions = agenda.client.get("/versions/1/questions.csv").get_data(as_text=True)
    assert "Hoe leg je samen een buurttuin aan?" in questions and "06-12345678" not in questions
    exported = json.loads(agenda.client.get("/versions/1/agenda.json").get_data())
    # The export holds everything the API shows (and the raw trend counts besides).
    assert exported["version"] == 1 and {k: exported["themes"][0][k] for k in green} == green
    everything = json.dumps(version) + questions + json.dumps(themes)
    assert SMALL_THEME[0] not in everything
