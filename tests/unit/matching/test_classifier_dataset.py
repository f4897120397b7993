"""Loading labelled texts and the deterministic held-out split."""

import json

import pytest

from services.matching.classifier.dataset import (
    DatasetError,
    LabelledText,
    blind_set_path,
    deduplicate,
    is_test,
    load_labelled,
    read_jsonl,
    train_test_split,
)
from services.matching.classifier.text import tokenize


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")


def test_split_depends_on_the_id_alone_and_is_about_a_fifth():
    ids = [f"x-{i:05d}" for i in range(5000)]
    share = sum(is_test(i) for i in ids) / len(ids)
    assert 0.17 < share < 0.23
    examples = [LabelledText(i, f"tekst {i}", ("wonen",)) for i in ids[:300]]
    _, test_before = train_test_split(examples)
    more = examples + [LabelledText(f"y-{i}", f"nieuw {i}", ("wonen",)) for i in range(300)]
    _, test_after = train_test_split(more)
    assert {e.id for e in test_before} == {e.id for e in test_after if e.id.startswith("x-")}


def test_load_reads_all_files_validates_and_sorts(tmp_path):
    write_jsonl(tmp_path / "set_b.jsonl", [{"id": "b-1", "text": "Schimmel in huis", "labels": ["wonen"]}])
    write_jsonl(tmp_path / "set_a.jsonl", [{"id": "a-1", "text": "Te hard rijden", "labels": ["verkeer-mobiliteit"]}])
    loaded = load_labelled(tmp_path, known_themes={"wonen", "verkeer-mobiliteit"})
    assert [e.id for e in loaded] == ["a-1", "b-1"]
    assert loaded[0].labels == ("verkeer-mobiliteit",)


def test_unknown_theme_is_reported_with_file_and_line(tmp_path):
    write_jsonl(tmp_path / "x.jsonl", [{"text": "ok", "labels": ["wonen"]}, {"text": "fout", "labels": ["geen-thema"]}])
    with pytest.raises(DatasetError, match=r"x.jsonl:2: unknown theme"):
        read_jsonl(tmp_path / "x.jsonl", known_themes={"wonen"})


def test_duplicate_wording_is_kept_once():
    examples = [
        LabelledText("b-2", "Te veel  Zwerfvuil!", ("openbare-ruimte",)),
        LabelledText("a-9", "te veel zwerfvuil", ("openbare-ruimte",)),
    ]
    assert [e.id for e in deduplicate(examples)] == ["a-9"]


def test_the_repository_data_loads_with_valid_themes():
    examples = load_labelled()
    train, test = train_test_split(examples)
    assert examples and train and test
    assert not {e.id for e in train} & {e.id for e in test}


def test_the_blind_set_shares_no_text_with_the_labelled_data():
    from shared.reference import theme_slugs

    blind = read_jsonl(blind_set_path(), known_themes=theme_slugs())
    labelled = {" ".join(tokenize(e.text)) for e in load_labelled()}
    assert len(blind) >= 400
    assert set(theme_slugs()) <= {label for e in blind for label in e.labels}
    assert not [e.id for e in blind if " ".join(tokenize(e.text)) in labelled]
