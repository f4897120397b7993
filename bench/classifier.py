"""Benchmark of the theme classifier: held-out figures and throughput on one core.

Run as `python bench/classifier.py` from the repository root (not a test). It trains on the
training split (with 5-fold cross-validation), prints per-theme precision/recall/F1 for the
keyword layer alone and for the combined model on the held-out split, on its texts that
contain a taxonomy keyword and on the blind set (`data/evaluation/blind.jsonl`), macro-F1 with
each labelled file (one writer each) left out of training, then texts per second
for batches of 1, 8 and 512 texts, with and without explanations.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# one core: the figure that matters is per worker process
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.matching.classifier.dataset import (  # noqa: E402
    blind_set_path,
    load_labelled,
    read_jsonl,
    train_test_split,
)
from services.matching.classifier.evaluation import (  # noqa: E402
    evaluate,
    evaluate_keywords,
    format_report,
    keyword_like,
    leave_one_writer_out,
)
from services.matching.classifier.model import ThemeClassifier  # noqa: E402
from services.matching.classifier.training import format_training_summary, train_model  # noqa: E402


def throughput(
    model: ThemeClassifier, texts: list[str], batch_size: int, *, explain: bool, minimum_seconds: float = 2.0
) -> tuple[float, float]:
    """Texts per CPU-second and per wall-clock second classifying `texts` in batches.

    CPU time of this single-threaded process is what one core delivers even when the machine
    is shared; wall-clock time is shown beside it.
    """
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    done, cpu_started, wall_started = 0, time.process_time(), time.perf_counter()
    while True:
        for batch in batches:
            if batch_size == 1:
                model.classify(batch[0], explain=explain)
            else:
                model.classify_batch(batch, explain=explain)
            done += len(batch)
        cpu = time.process_time() - cpu_started
        if cpu >= minimum_seconds:
            return done / cpu, done / (time.perf_counter() - wall_started)


def main() -> None:
    model, metrics = train_model()
    print(format_training_summary(metrics))
    blob = model.to_bytes()
    print(f"serialised model: {len(blob) / 1024:.0f} KiB, {model.features.n_features} features")
    print()

    examples = load_labelled()
    _, test = train_test_split(examples)
    print("Held-out split:")
    print(format_report(evaluate_keywords(model.matcher, test), evaluate(model, test)))
    print()
    like = keyword_like(model.matcher, test)
    print(f"Held-out texts with at least one taxonomy keyword ({len(like)} of {len(test)}; real submissions look more like these):")
    print(format_report(evaluate_keywords(model.matcher, like), evaluate(model, like)))
    print()

    blind = read_jsonl(blind_set_path(), known_themes=model.theme_slugs)
    print(f"Blind set ({len(blind)} texts by a writer who never saw the labelled data; never trained or tuned on):")
    print(format_report(evaluate_keywords(model.matcher, blind), evaluate(model, blind)))
    print()

    print("Leave one writer out (train on the other files' training split, score the whole file):")
    train, _ = train_test_split(examples)
    for result in leave_one_writer_out(train, examples):
        print(f"  set_{result.writer}: {result.n_texts:4d} texts  macro-F1 {result.macro_f1:.3f}"
              f"  micro-F1 {result.micro_f1:.3f}  (keywords only {result.keyword_macro_f1:.3f})")
    print()

    cv = metrics.get("cross_validation")
    if cv:
        folds = ", ".join(f"{f:.3f}" for f in cv["fold_macro_f1"])
        print(f"{cv['folds']}-fold CV on the training split: macro-F1 {cv['macro_f1']:.3f} (folds {folds}),"
              f" keywords only {cv['keyword_macro_f1']:.3f}; micro-F1 {cv['micro_f1']:.3f}")
        print(f"  on the {cv['keyword_like_texts']} texts with a taxonomy keyword: macro-F1"
              f" {cv['keyword_like_macro_f1']:.3f}, keywords only {cv['keyword_like_keyword_macro_f1']:.3f}")
        print()

    texts = [e.text for e in examples]
    model.classify_batch(texts, explain=True)  # warm the per-word caches, as a running service would be
    print("Throughput on one core, texts per CPU-second (per wall-clock second), warm caches:")
    for batch_size in (1, 8, 512):
        plain_cpu, plain_wall = throughput(model, texts, batch_size, explain=False)
        explained_cpu, explained_wall = throughput(model, texts, batch_size, explain=True)
        print(
            f"  batch of {batch_size:>3}: {plain_cpu:7,.0f} ({plain_wall:7,.0f}) scores only"
            f"   {explained_cpu:7,.0f} ({explained_wall:7,.0f}) with explanations"
        )
    cold = ThemeClassifier.from_bytes(blob)
    started = time.process_time()
    cold.classify_batch(texts, explain=False)
    cold_speed = len(texts) / (time.process_time() - started)
    print(f"  cold model (empty word caches), one batch of {len(texts)}: {cold_speed:,.0f}")


if __name__ == "__main__":
    main()
