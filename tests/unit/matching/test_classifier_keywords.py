"""The taxonomy keyword layer and its match modes."""

from shared.reference import themes
from services.matching.classifier.keywords import KeywordMatcher, ThemeKeyword, fold_term


def matcher(*keywords):
    return KeywordMatcher([ThemeKeyword(theme, term, mode, fold_term(term)) for theme, term, mode in keywords], ["a", "b"])


def test_word_mode_matches_the_word_its_plural_and_diminutive_but_not_longer_words():
    m = matcher(("a", "park", "word"))
    assert m.matches("Het park is vies") == {"a": ("park",)}
    assert m.matches("twee parkjes en een park") == {"a": ("park",)}
    assert m.matches("de parks") == {"a": ("park",)}
    assert m.matches("nergens parkeren") == {}
    assert m.matches("stadspark") == {}


def test_word_mode_keeps_zorg_apart_from_zorgen():
    m = matcher(("a", "zorg", "word"))
    assert m.matches("wij maken ons zorgen") == {}
    assert m.matches("de zorg in de wijk") == {"a": ("zorg",)}


def test_substring_mode_matches_inside_compounds():
    m = matcher(("a", "overlast", "substring"))
    assert m.matches("veel parkeeroverlast") == {"a": ("overlast",)}
    assert m.matches("Parkeer-overlast!") == {"a": ("overlast",)}


def test_prefix_mode_matches_word_starts_and_phrases_at_word_boundaries():
    m = matcher(("a", "woning", "prefix"), ("b", "gemengde wijk", "prefix"))
    assert m.matches("lege woningen") == {"a": ("woning",)}
    assert m.matches("huurwoning") == {}
    assert m.matches("meer gemengde wijken graag") == {"b": ("gemengde wijk",)}
    assert m.matches("ongemengde wijk") == {}


def test_accents_and_hyphens_are_folded_like_the_text():
    m = matcher(("a", "taalcafé", "substring"), ("b", "re-integratie", "substring"))
    assert m.matches("Het taalcafe op dinsdag") == {"a": ("taalcafé",)}
    assert m.matches("reintegratie naar werk") == {"b": ("re-integratie",)}


def test_taxonomy_matcher_finds_themes():
    m = KeywordMatcher.from_themes(themes())
    found = m.matches("Parkeeroverlast en zwerfvuil bij de speeltuin")
    assert "parkeeroverlast" in found["verkeer-mobiliteit"]
    assert "overlast" in found["overlast"]
    assert "zwerfvuil" in found["openbare-ruimte"]
    assert "verkeer-mobiliteit" in m.predict("parkeeroverlast")
    assert len(m.hit_counts("niets hier")) == len(themes())
    assert m.matches("een geweldig idee") == {}  # geweld is word-mode
