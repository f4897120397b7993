"""Dutch multi-label theme classification for the matching service (pure engine, no I/O on import).

Public API
----------

Training and evaluation (``training``, ``evaluation``)::

    from services.matching.classifier.training import train_model, format_training_summary
    from services.matching.classifier.evaluation import evaluate_file, format_report

    model, metrics = train_model(extra_examples=[{"text": "...", "labels": ["wonen"]}])
    print(format_training_summary(metrics))
    report = evaluate_file(model, "texts.jsonl")     # lines of {"text": ..., "labels": [...]}
    print(format_report(report))                     # per-theme P/R/F1, macro/micro-F1, texts/s

- ``train_model(extra_examples=(), *, data_dir=None, params=None, cross_validation_folds=5)``
  returns ``(ThemeClassifier, metrics)``. It trains on the training split of
  ``services/matching/data/labelled/*.jsonl`` plus ``extra_examples`` (curator corrections:
  ``LabelledText``, ``{"text", "labels"}`` mappings or ``(text, labels)`` pairs; a correction
  replaces a labelled text with the same wording). ``metrics`` (also on ``model.metrics``)
  holds the held-out figures of the combined model and of the keywords alone, the
  cross-validated figures, label counts and training time; all JSON-serialisable.
- ``evaluation.evaluate(model, examples)``, ``evaluate_keywords(matcher, examples)``,
  ``evaluate_file(model, path)`` return an ``EvaluationReport`` (``.as_dict()``);
  ``cross_validate(examples, params, folds=5)`` a ``CrossValidation``;
  ``format_report(*reports)`` prints reports side by side.
- ``fitting.fit_classifier(examples, params=None, *, corrections=())`` is the bare fit, and
  ``fitting.TrainingParams`` holds every knob (regularisation, feature weights, thresholds,
  review threshold, ...).

Classifying (``model.ThemeClassifier``)::

    result = model.classify("Veel parkeeroverlast en hangjongeren bij het buurthuis")
    result.themes          # ('verkeer-mobiliteit', 'overlast', ...) chosen, best first
    result.scores          # {slug: probability in [0, 1]} for all 16 themes
    result.needs_review    # best probability below the review threshold, or nothing passed
    result.explanations    # per chosen theme: taxonomy keywords found + words that drove the score
    result.as_dict()       # JSON-ready

- ``classify(text, *, review_threshold=None, explain=True)`` and
  ``classify_batch(texts, ...)`` (classify a submission's texts together: it is much faster);
  ``predict(texts)`` returns only the chosen themes; ``probabilities(texts)`` the matrix;
  ``explain(text, theme)`` one ``ThemeExplanation``.
- ``model.version`` (``"tc1-<hash>"``, derived from training data, parameters and taxonomy),
  ``model.metrics``, ``model.thresholds`` (per theme), ``model.settings``.
- ``model.to_bytes()`` / ``ThemeClassifier.from_bytes(blob)``: a deterministic, pickle-free
  container (JSON manifest + numpy arrays, zlib); equal training gives equal bytes.

Building blocks: ``text`` (folding, tokens, diminutives, Snowball stems, compound splitting),
``keywords`` (the taxonomy keyword layer with its match modes), ``features`` (TF-IDF word and
character n-grams + keyword hits), ``dataset`` (loading and the hash-based held-out split).
"""
