"""Dutch text handling of the theme classifier: folding, diminutives, stems, compounds."""

import pytest

from services.matching.classifier.text import (
    Analyser,
    CompoundSplitter,
    default_splitter,
    fold,
    normalise_word,
    stem,
    strip_diminutive,
    tokenize,
)


def test_fold_lowercases_strips_accents_apostrophes_and_joins_hyphens():
    assert fold("Café's in Súdwest-Fryslân") == "cafes in sudwestfryslan"
    assert tokenize("Re-integratie, buurt-huis & co.") == ["reintegratie", "buurthuis", "co"]


def test_slash_and_dash_between_words_separate_them():
    assert tokenize("bomen/struiken – groen") == ["bomen", "struiken", "groen"]


@pytest.mark.parametrize(
    "word, base",
    [
        ("huisje", "huis"),
        ("boompje", "boom"),
        ("boompjes", "boom"),
        ("tuintje", "tuin"),
        ("balletje", "bal"),
        ("straatjes", "straat"),
        ("bloemetje", "bloem"),
        ("buurtje", "buurt"),
        ("parkje", "park"),
        ("geveltuintjes", "geveltuin"),
        ("straat", "straat"),  # not a diminutive
        ("je", "je"),
    ],
)
def test_strip_diminutive(word, base):
    assert strip_diminutive(word) == base


def test_plurals_and_diminutives_share_a_stem():
    assert stem("woningen") == stem("woning")
    assert stem("parkeren") == stem("parkeer")
    assert stem("huisartsen") != ""  # stems are never empty
    assert normalise_word("straatjes") == normalise_word("straten") or normalise_word("straatjes") == stem("straat")
    assert normalise_word("boompjes") == normalise_word("boom")


def test_classic_snowball_keeps_meaningful_stems():
    # the newer Snowball "dutch" algorithm would give "zon" and "meen"
    assert stem("gezondheid") == stem("gezond")
    assert stem("gemeente").startswith("gemeent")


@pytest.mark.parametrize(
    "compound, parts",
    [
        ("parkeeroverlast", ("parkeer", "overlast")),
        ("jongerenwerk", ("jongeren", "werk")),
        ("buurthuis", ("buurt", "huis")),
        ("speeltuin", ("speel", "tuin")),
        ("geveltuin", ("gevel", "tuin")),
    ],
)
def test_compounds_split_into_known_parts(compound, parts):
    assert default_splitter().split(compound)[:2] == parts


def test_compound_parts_relate_to_their_words():
    analysed = Analyser(default_splitter()).analyse("Parkeeroverlast en jongerenwerk")
    parkeer, jongerenwerk = analysed
    assert stem("parkeren") in parkeer.part_stems
    assert stem("overlast") in parkeer.part_stems
    assert stem("jongeren") in jongerenwerk.part_stems


def test_words_that_are_not_compounds_stay_whole():
    splitter = default_splitter()
    assert splitter.split("overlast") == ()  # "over" is never a part
    assert splitter.split("verkeer") == ()
    assert splitter.split("huis") == ()


def test_splitter_accepts_linking_s_and_nested_compounds():
    splitter = CompoundSplitter(["verkeer", "veiligheid", "buurt", "bewoners", "initiatief"])
    assert splitter.split("verkeersveiligheid")[:2] == ("verkeers", "veiligheid")
    parts = splitter.split("buurtbewonersinitiatief")
    assert {"buurt", "bewoners", "initiatief"} <= set(parts)


def test_analyser_drops_stopwords_and_numbers():
    words = Analyser(default_splitter()).analyse("De buurt is in 2024 niet veilig")
    assert [w.surface for w in words] == ["buurt", "veilig"]
