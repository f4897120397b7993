"""Near-duplicate questions are grouped; each group shows its clearest question and how many asked."""

from __future__ import annotations

import random

from services.agenda.similar_questions import Asked, clarity, clearest, group_phrasings, jaccard, phrasings_of, signature


def asked(i: int, text: str, member: str | None = None) -> Asked:
    return Asked(f"q{i:03d}", member or f"m{i}", text, signature(text))


def group_questions(questions: list[Asked], threshold: float):
    """(question ids, members, clearest text) per group, largest first."""
    groups = group_phrasings(phrasings_of(questions), threshold)
    result = []
    for group in groups:
        signatures = {p.signature for p in group.phrasings}
        members = [q for q in questions if q.signature in signatures]
        result.append((sorted(q.id for q in members), group.members, clearest(members).text))
    return result


def test_signature_folds_case_accents_stopwords_and_word_forms():
    assert signature("Hoe betrek je JONGEREN bij de plannen?") == signature("hoe betrekken we jongeren bij plannen")
    assert signature("Café en ideeën") == signature("cafe ideeen")
    assert signature("Bel [telefoonnummer] over het plein") == signature("Bel over plein")


def test_alike_questions_form_one_group_shown_by_the_clearest():
    questions = [
        asked(1, "hoe betrek je jongeren bij plannen voor het plein"),
        asked(2, "Hoe betrek je jongeren bij de plannen voor hun plein?"),
        asked(3, "Hoe betrekken we jongeren bij plannen voor het plein [telefoonnummer]"),
        asked(4, "Waar vind ik subsidie voor een buurttuin?"),
        asked(5, "Waar vind ik subsidie voor een buurttuin?", member="m4"),  # same member twice
    ]
    groups = group_questions(questions, threshold=0.6)
    assert [ids for ids, _, _ in groups] == [["q001", "q002", "q003"], ["q004", "q005"]]
    assert groups[0][2] == "Hoe betrek je jongeren bij de plannen voor hun plein?"
    assert [members for _, members, _ in groups] == [3, 1]


def test_different_questions_stay_apart():
    groups = group_questions(
        [asked(1, "Hoe pak je zwerfvuil aan?"), asked(2, "Hoe pak je hondenpoep aan?"), asked(3, "Hoe organiseer je een buurtfeest?")],
        threshold=0.6,
    )
    assert len(groups) == 3


def test_prefix_filtered_grouping_matches_comparing_every_pair():
    """The fast grouping finds exactly the groups a brute-force greedy pass would."""
    rng = random.Random(7)
    words = "jongeren plein buurt tuin subsidie veilig schoon afval groen wonen energie ouderen school armoede".split()
    texts = [" ".join(rng.sample(words, rng.randint(2, 6))) for _ in range(400)]
    questions = [asked(i, t) for i, t in enumerate(texts)]
    groups = group_phrasings(phrasings_of(questions), threshold=0.6)
    # brute force with the same leader order
    by_sig: dict[str, list[Asked]] = {}
    for q in questions:
        by_sig.setdefault(q.signature, []).append(q)
    order = sorted(by_sig, key=lambda s: (-len(by_sig[s]), len(s.split()), s))
    leaders: list[str] = []
    members: dict[str, set[str]] = {}
    for sig in order:
        home = next((l for l in leaders if jaccard(frozenset(sig.split()), frozenset(l.split())) >= 0.6), None)
        if home is None:
            leaders.append(sig)
            members[sig] = set()
            home = sig
        members[home].update(q.id for q in by_sig[sig])
    found = [sorted(q.id for p in g.phrasings for q in by_sig[p.signature]) for g in groups]
    assert sorted(found) == sorted(sorted(m) for m in members.values())


def test_clarity_prefers_a_real_question_without_removed_details():
    assert clarity("Hoe houden we het plein schoon?") > clarity("hoe houden we het plein schoon")
    assert clarity("Hoe bel ik [telefoonnummer] over het plein?") < clarity("Hoe bel ik de gemeente over het plein?")
