"""What people read on the agenda's pages, feed and exports: Dutch first, English second."""

from __future__ import annotations

from functools import cache

from shared import reference

LANGUAGES = ("nl", "en")

ROLE_LABELS = {
    "bewoner": ("Bewoner", "Resident"),
    "buurtmaker": ("Buurtmaker", "Neighbourhood maker"),
    "wijkprofessional": ("Wijkprofessional", "Neighbourhood professional"),
    "beleidsmaker": ("Beleidsmaker", "Policy maker"),
    "bestuurder": ("Bestuurder", "Local administrator"),
    "anders": ("Anders", "Other"),
}

TREND_LABELS = {
    "new": ("nieuw", "new"),
    "rising": ("stijgend", "rising"),
    "steady": ("gelijk", "steady"),
    "falling": ("dalend", "falling"),
}

SCORE_PART_LABELS = {
    "members": ("Leden", "Members", "leden die erover vragen of het urgent noemen, gedeeld door het hoogste aantal van alle thema's", "members who ask about it or call it urgent, divided by the highest number of any theme"),
    "municipalities": ("Spreiding over gemeenten", "Spread over municipalities", "gemeenten waar die leden vandaan komen, gedeeld door het hoogste aantal van alle thema's", "municipalities those members come from, divided by the highest number of any theme"),
    "roles": ("Spreiding over rollen", "Spread over roles", "verschillende rollen onder die leden, van de zes rollen", "different roles among those members, out of the six roles"),
    "urgency": ("Urgentie", "Urgency", "keren dat het thema als urgent probleem is genoemd, gedeeld door het hoogste aantal van alle thema's", "times the theme was named as an urgent issue, divided by the highest number of any theme"),
    "recency": ("Actualiteit", "Recency", "deel van de teksten over het thema uit de laatste {days} dagen", "share of the theme's texts from the last {days} days"),
}

TEXT = {
    "title": ("Leeragenda", "Learning agenda"),
    "site": ("Buurtplatform", "Buurtplatform"),
    "intro": (
        "Wat buurtmakers in Nederland het meest willen leren over leefbaarheid, op volgorde van prioriteit.",
        "What neighbourhood makers in the Netherlands most want to learn about livability, in order of priority.",
    ),
    "live_title": ("Leeragenda (live)", "Learning agenda (live)"),
    "live_intro": (
        "De actuele stand, bijgewerkt bij elke bevestigde inzending. Nog niet door een redacteur bekeken.",
        "The current state, updated with every confirmed submission. Not yet reviewed by a curator.",
    ),
    "version": ("Versie", "Version"),
    "published": ("gepubliceerd op", "published on"),
    "reissue": ("Heruitgave van versie {n}, zonder een vraag van iemand die zich heeft laten verwijderen.", "Re-issue of version {n}, without a question of someone who asked to be removed."),
    "redacted": ("Uit deze versie is later een vraag verwijderd op verzoek van de vraagsteller.", "A question was later removed from this version at its author's request."),
    "no_versions": ("Er is nog geen versie gepubliceerd. Bekijk de live stand.", "No version has been published yet. See the live state."),
    "see_live": ("Bekijk de live stand", "See the live state"),
    "chart_priority": ("Thema's op prioriteit", "Themes by priority"),
    "chart_priority_desc": ("Staafdiagram: de prioriteitsscore (0 tot 100) van elk thema, van hoog naar laag.", "Bar chart: the priority score (0 to 100) of each theme, from high to low."),
    "chart_provinces": ("Spreiding over provincies", "Spread over provinces"),
    "chart_provinces_desc": ("Staafdiagram: het aantal leden per provincie. Provincies met minder dan {min} leden tonen geen aantal.", "Bar chart: members per province. Provinces with fewer than {min} members show no number."),
    "table_alternative": ("Dezelfde gegevens als tabel", "The same data as a table"),
    "themes": ("Thema's", "Themes"),
    "rank": ("Plaats", "Rank"),
    "theme": ("Thema", "Theme"),
    "score": ("Score", "Score"),
    "members": ("Leden", "Members"),
    "questions": ("Leervragen", "Learning questions"),
    "urgent": ("Urgent genoemd", "Named urgent"),
    "municipalities": ("Gemeenten", "Municipalities"),
    "provinces": ("Provincies", "Provinces"),
    "province": ("Provincie", "Province"),
    "roles": ("Rollen", "Roles"),
    "role": ("Rol", "Role"),
    "trend": ("Trend", "Trend"),
    "note": ("Toelichting van de redactie", "Editor's note"),
    "representative": ("Vragen die leden stellen", "Questions members ask"),
    "similar": ("{n} leden vroegen iets vergelijkbaars", "{n} members asked something similar"),
    "similar_one": ("1 lid vroeg dit", "1 member asked this"),
    "suppressed": ("minder dan {min}", "fewer than {min}"),
    "not_shown": ("{n} thema's hebben minder dan {min} leden en worden niet getoond.", "{n} themes have fewer than {min} members and are not shown."),
    "how_title": ("Hoe de volgorde tot stand komt", "How the ranking came about"),
    "how_intro": (
        "Elk thema krijgt een prioriteitsscore tussen 0 en 100: een gewogen gemiddelde van vijf onderdelen, elk tussen 0 en 1. De gewichten zijn instelbaar en staan hieronder.",
        "Each theme gets a priority score between 0 and 100: a weighted average of five parts, each between 0 and 1. The weights are configurable and listed below.",
    ),
    "how_curated": (
        "Een redacteur van het platform kan de volgorde daarna aanpassen en per thema een toelichting schrijven; de kolom 'op score' toont de plaats die de formule gaf.",
        "A curator of the platform may then change the order and write a note per theme; the column 'by score' shows the place the formula gave.",
    ),
    "how_privacy": (
        "Aantallen van minder dan {min} leden tonen we nooit, ook niet per provincie of rol. Vragen zijn ontdaan van e-mailadressen, telefoonnummers en adressen.",
        "Counts of fewer than {min} members are never shown, not even per province or role. Questions are stripped of e-mail addresses, phone numbers and addresses.",
    ),
    "how_similar": (
        "Vragen die veel dezelfde woorden gebruiken vatten we samen; we tonen de duidelijkste vraag van elke groep.",
        "Questions that share most of their words are grouped; we show the clearest question of each group.",
    ),
    "part": ("Onderdeel", "Part"),
    "weight": ("Gewicht", "Weight"),
    "meaning": ("Betekenis", "Meaning"),
    "by_score": ("op score", "by score"),
    "changes": ("Veranderingen ten opzichte van de vorige versie", "Changes against the previous version"),
    "rose": ("Gestegen", "Rose"),
    "fell": ("Gedaald", "Fell"),
    "appeared": ("Nieuw", "Appeared"),
    "disappeared": ("Verdwenen", "Disappeared"),
    "no_changes": ("Geen veranderingen in de volgorde.", "No changes in the ranking."),
    "downloads": ("Open data", "Open data"),
    "older": ("Eerdere versies", "Earlier versions"),
    "feed": ("Atom-feed van nieuwe versies", "Atom feed of new versions"),
    "other_language": ("English", "Nederlands"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "nav": ("Agenda-navigatie", "Agenda navigation"),
    "latest": ("Laatste versie", "Latest version"),
    "live": ("Live stand", "Live state"),
    "totals": ("{members} leden uit {municipalities} gemeenten stelden {questions} leervragen.", "{members} members from {municipalities} municipalities asked {questions} learning questions."),
    "feed_entry": ("Versie {n} van de leeragenda. Bovenaan: {top}.", "Version {n} of the learning agenda. At the top: {top}."),
}


def t(key: str, language: str, **values) -> str:
    text = TEXT[key][1 if language == "en" else 0]
    return text.format(**values) if values else text


def pick(pair: tuple, language: str) -> str:
    return pair[1 if language == "en" else 0]


def theme_label(slug: str, language: str) -> str:
    theme = reference.themes_by_slug().get(slug)
    return theme.label(language) if theme else slug


def role_label(role: str, language: str) -> str:
    return pick(ROLE_LABELS.get(role, (role, role)), language)


@cache
def province_names() -> dict[str, str]:
    return {m.province_code: m.province for m in reference.municipalities().values()}


def province_label(code: str) -> str:
    return province_names().get(code, code)
