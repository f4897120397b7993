"""The combined theme classifier: training, determinism, persistence, review flag, explanations."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from services.matching.classifier.dataset import LabelledText, load_labelled, train_test_split
from services.matching.classifier.features import FeatureSpace, TfidfBlock, char_features, word_features
from services.matching.classifier.fitting import TrainingParams, fit_classifier
from services.matching.classifier.keywords import KeywordMatcher
from services.matching.classifier.model import ThemeClassifier
from services.matching.classifier.storage import ModelFormatError
from services.matching.classifier.text import Analyser, default_splitter
from shared.reference import themes as reference_themes

# small fits for the tests that train several models: no everyday-vocabulary examples, 2 folds
QUICK = TrainingParams(calibration_folds=2, vocabulary_examples=False)


@pytest.fixture(scope="module")
def training_split():
    train, _ = train_test_split(load_labelled())
    return train


@pytest.fixture(scope="module")
def model(training_split):
    return fit_classifier(training_split, TrainingParams(calibration_folds=2))  # 2 folds keep the suite fast


@pytest.fixture(scope="module")
def small_sample(training_split):
    return training_split[::8]


@pytest.fixture(scope="module")
def small_model(small_sample):
    return fit_classifier(small_sample, QUICK)


# Written for these tests; not in the labelled data.
CLEAR_EXAMPLES = [
    ("Er liggen overal vuilniszakken en zwerfafval langs de stoep.", "openbare-ruimte"),
    ("De huisbaas doet al maanden niets aan de schimmel en het lekkende dak van onze huurwoning.", "wonen"),
    ("Auto's rijden veel te hard door de straat, levensgevaarlijk voor fietsers en overstekende kinderen.", "verkeer-mobiliteit"),
    ("De bovenburen maken elke nacht herrie met keiharde muziek.", "overlast"),
    ("In de portiek wordt gedeald en er is twee keer ingebroken, ik voel me niet meer veilig.", "veiligheid-criminaliteit"),
    ("Steeds meer gezinnen hebben schulden en halen eten bij de voedselbank.", "armoede-bestaanszekerheid"),
    ("Wij willen meer bomen, bloemen en geveltuintjes in onze stenige straat.", "groen-natuur"),
    ("Hoe krijgen we statushouders en nieuwkomers echt mee in de buurt, en hoe gaan we discriminatie tegen?", "inclusie-diversiteit"),
    ("Veel leerlingen verlaten school zonder diploma en hebben een taalachterstand.", "onderwijs-kansen"),
    ("Ik ben jongerenwerker en wil leren hoe je tieners weerbaar maakt tegen verkeerde vrienden.", "jeugd-jongeren"),
]


@pytest.mark.parametrize("text, theme", CLEAR_EXAMPLES)
def test_clear_dutch_texts_get_their_theme(model, text, theme):
    result = model.classify(text)
    assert theme in result.themes, (result.themes, result.scores[theme])


def test_keyword_layer_alone_would_miss_but_the_model_finds(model):
    # no taxonomy keyword of "wonen" occurs here; the learned layer knows huisbaas and lekkage
    text = "Onze huisbaas laat de lekkage gewoon zitten."
    assert "wonen" not in model.matcher.matches(text)
    assert "wonen" in model.classify(text).themes


def test_scores_are_probabilities_for_every_theme(model):
    result = model.classify("Te weinig groen en veel hondenpoep in het park")
    assert set(result.scores) == set(model.theme_slugs)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.confidence == max(result.scores.values())
    assert list(result.themes) == sorted(result.themes, key=lambda t: -result.scores[t])


def test_explanations_name_keywords_and_driving_words(model):
    result = model.classify("Er is ontzettend veel parkeeroverlast in onze straat.")
    assert result.themes[0] == "verkeer-mobiliteit"
    explanation = result.explanations[0]
    assert explanation.theme == "verkeer-mobiliteit"
    assert "parkeeroverlast" in explanation.keywords
    assert "parkeeroverlast" in [word for word, _ in explanation.drivers]
    assert all(weight > 0 for _, weight in explanation.drivers)
    assert "parkeeroverlast" in explanation.as_text()


def test_needs_review_follows_the_threshold(model):
    text = "Veel schimmel en vocht in de huurwoningen van de corporatie."
    assert not model.classify(text, review_threshold=0.0).needs_review
    assert model.classify(text, review_threshold=1.01).needs_review
    vague = model.classify("Ik weet het eigenlijk niet zo goed.")
    assert vague.needs_review
    assert vague.confidence < model.settings.review_threshold or not any(
        vague.scores[t] >= th for t, th in zip(model.theme_slugs, model.thresholds)
    )


def test_empty_and_unknown_texts_go_to_review(model):
    for text in ("", "   ", "qwxz vbnm"):
        result = model.classify(text)
        assert result.needs_review
        assert len(result.themes) <= 1


def test_batch_and_single_classification_agree(model):
    texts = [text for text, _ in CLEAR_EXAMPLES[:8]]
    batch = model.classify_batch(texts)
    for text, result in zip(texts, batch):
        single = model.classify(text)
        assert single.themes == result.themes
        assert single.scores == pytest.approx(result.scores, abs=1e-12)
    assert model.classify_batch([]) == []
    with pytest.raises(TypeError):
        model.classify_batch("one text")


def test_serialisation_round_trip_keeps_predictions_and_bytes(model):
    blob = model.to_bytes()
    restored = ThemeClassifier.from_bytes(blob)
    assert restored.version == model.version
    texts = [text for text, _ in CLEAR_EXAMPLES]
    assert np.array_equal(restored.probabilities(texts), model.probabilities(texts))
    assert restored.to_bytes() == blob
    with pytest.raises(ModelFormatError):
        ThemeClassifier.from_bytes(b"not a model")
    with pytest.raises(ModelFormatError):
        ThemeClassifier.from_bytes(blob[:200])


def test_training_is_deterministic(small_sample, small_model):
    again = fit_classifier(list(reversed(small_sample)), QUICK)  # order of input does not matter
    assert again.version == small_model.version
    assert again.to_bytes() == small_model.to_bytes()


def test_corrections_are_learned_and_change_the_version(small_sample, small_model):
    text = "Het bankje bij de vijver is weer bezet door mensen die daar de hele dag blikjes drinken."
    without = small_model
    corrections = [
        {"text": text, "labels": ["overlast"]},  # every accepted form of a correction
        (text + " Elke dag.", ["overlast"]),
        LabelledText("curator-1", text + " Ook 's nachts.", ("overlast",)),
    ]
    corrected = fit_classifier(small_sample, QUICK, corrections=corrections)
    assert corrected.version != without.version
    index = corrected.theme_slugs.index("overlast")
    assert corrected.probabilities([text])[0, index] > without.probabilities([text])[0, index]


def test_version_depends_on_the_parameters(small_sample, small_model):
    a = small_model
    b = fit_classifier(small_sample, TrainingParams(calibration_folds=2, vocabulary_examples=False, regularisation_c=1.0))
    assert a.version != b.version and a.version.startswith("tc1-")


def test_fast_feature_path_equals_scikit_learn():
    analyser = Analyser(default_splitter())
    texts = ["Parkeeroverlast in de straat", "Veel straten, veel straatjes en boompjes", "hangjongeren bij het buurthuis"]
    analysed = [analyser.analyse(t) for t in texts]
    word_docs = [[f for f, _ in word_features(w)] for w in analysed]
    char_docs = [[f for f, _ in char_features(w, (3, 5))] for w in analysed]
    space = FeatureSpace(TfidfBlock.fit(word_docs, 1, 1.0), TfidfBlock.fit(char_docs, 1, 1.0), (3, 5), 1.0, 2)
    ours = space.transform(analysed, [[0, 1], [0, 0], [2, 0]]).toarray()
    for docs, block, offset in ((word_docs, space.words, 0), (char_docs, space.chars, len(space.words))):
        reference = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True).fit(docs)
        assert reference.vocabulary_.keys() == block.vocabulary.keys()
        reference = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, vocabulary=block.vocabulary).fit(docs)
        expected = reference.transform(docs).toarray()
        assert np.allclose(ours[:, offset : offset + len(block)], expected)
    assert np.allclose(ours[:, -2:], [[0, 0.5], [0, 0], [0.75, 0]])
    weights = np.random.default_rng(0).normal(size=(space.n_features, 2))
    scores, per_text = space.decisions(analysed, [[0, 1], [0, 0], [2, 0]], weights, np.zeros(2))
    assert np.allclose(scores, ours @ weights)
    assert len(per_text) == 3
    single, _ = space.decisions(analysed[:1], [[0, 1]], weights, np.zeros(2))  # the one-text path
    assert np.allclose(single, ours[:1] @ weights)


def test_cross_validation_reports_the_texts_with_a_taxonomy_keyword(small_sample):
    from services.matching.classifier.evaluation import cross_validate, keyword_like

    cv = cross_validate(small_sample, QUICK, folds=2)
    like = keyword_like(KeywordMatcher.from_themes(reference_themes()), small_sample)
    assert 0 < cv.keyword_like_texts == len(like) < len(small_sample)
    assert 0 < cv.keyword_like_keyword_macro_f1 < cv.keyword_like_macro_f1 <= 1
    assert cv.as_dict()["keyword_like_texts"] == len(like)


def test_leaving_one_writer_out_never_trains_on_that_writer(small_sample):
    from services.matching.classifier.evaluation import leave_one_writer_out, score_predictions

    two_writers = [e for e in small_sample if e.id[0] in "ab"]
    results = leave_one_writer_out(two_writers, two_writers, QUICK)
    assert [r.writer for r in results] == ["a", "b"]
    assert [r.n_texts for r in results] == [sum(e.id[0] == w for e in two_writers) for w in "ab"]
    # a model that did read the writer scores its texts far better than the one that left them out
    seen = fit_classifier(two_writers, QUICK)
    for result in results:
        texts = [e for e in two_writers if e.id[0] == result.writer]
        read = score_predictions([e.labels for e in texts], seen.predict([e.text for e in texts]), seen.theme_slugs)
        assert 0 < result.macro_f1 < read.macro_f1 - 0.2


def test_the_blind_set_stays_above_the_quality_bar(model):
    """The issue's bar for texts from outside the labelled set: macro-F1 0.80 (keywords alone: 0.57)."""
    from services.matching.classifier.dataset import blind_set_path, read_jsonl
    from services.matching.classifier.evaluation import evaluate, evaluate_keywords

    blind = read_jsonl(blind_set_path(), known_themes=model.theme_slugs)
    assert evaluate(model, blind).macro_f1 >= 0.80 > evaluate_keywords(model.matcher, blind).macro_f1
