"""Scores of a model on the held-out set: intents, entities, targets (pure)."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.evaluation.nlu_data import Example, has_diacritics

FALLBACK_INTENT = "nlu_fallback"

# Targets of issue 4 checked by ``--check`` (``make test``).
TARGET_INTENT_MACRO_F1 = 0.95
TARGET_PLAIN_MACRO_F1 = 0.93
TARGET_CUSTOMER_CODE_F1 = 1.0

@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def intent_scores(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Score]:
    """Per gold intent scores; a predicted ``nlu_fallback`` is a miss for its message."""
    pairs = list(zip(y_true, y_pred, strict=True))
    scores = {}
    for label in sorted(set(y_true)):
        tp = sum(t == label and p == label for t, p in pairs)
        fp = sum(t != label and p == label for t, p in pairs)
        fn = sum(t == label and p != label for t, p in pairs)
        scores[label] = Score(*_prf(tp, fp, fn), support=tp + fn)
    return scores


def macro_f1(scores: dict[str, Score]) -> float:
    return statistics.fmean(s.f1 for s in scores.values()) if scores else 0.0


_TRIM = " \t\n,.;:!?\"'()[]"


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without surrounding spaces and punctuation (extractors differ on those)."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


Span = tuple[str, int, int]


def entity_scores(gold: Sequence[Iterable[Span]], predicted: Sequence[Iterable[Span]]) -> dict[str, Score]:
    """Exact-span precision / recall / F1 per entity type over all messages."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        gold_set, predicted_set = set(gold_spans), set(predicted_spans)
        for span in gold_set & predicted_set:
            counts[span[0]][0] += 1
        for span in predicted_set - gold_set:
            counts[span[0]][1] += 1
        for span in gold_set - predicted_set:
            counts[span[0]][2] += 1
    scores = {}
    for name, (tp, fp, fn) in sorted(counts.items()):
        precision, recall, f1 = _prf(tp, fp, fn)
        scores[name] = Score(precision, recall, f1, tp + fn)
    return scores


def canonical_customer_code(surface: str) -> str:
    return re.sub(r"[\s.\-]", "", surface).upper()


@dataclass
class Evaluation:
    """Scores of one model on the held-out set."""

    name: str
    intents: dict[str, Score]
    intent_macro_f1: float
    plain_macro_f1: float
    plain_count: int
    fallback_rate: float
    entities: dict[str, Score]
    code_values: tuple[int, int]  # matched customer_code spans with the canonical value
    confusion_labels: list[str]
    confusion: list[list[int]]
    errors: list[tuple[str, str, str, float]]  # text, expected, predicted, confidence
    median_ms: float | None = None
    p95_ms: float | None = None
    train_seconds: float | None = None
    config: str = ""


def _predicted_spans(text: str, parse: dict[str, Any]) -> set[Span]:
    spans = set()
    for ent in parse.get("entities") or []:
        if ent.get("start") is None or ent.get("end") is None:
            continue
        start, end = trim_span(text, int(ent["start"]), int(ent["end"]))
        spans.add((ent["entity"], start, end))
    return spans


def evaluate_parses(name: str, examples: Sequence[Example], parses: Sequence[dict[str, Any]]) -> Evaluation:
    """Scores from the parse results of ``examples`` (one Rasa parse dict each)."""
    y_true = [ex.intent for ex in examples]
    y_pred = [((p.get("intent") or {}).get("name") or FALLBACK_INTENT) for p in parses]
    scores = intent_scores(y_true, y_pred)
    plain = [i for i, ex in enumerate(examples) if not has_diacritics(ex.text)]
    plain_scores = intent_scores([y_true[i] for i in plain], [y_pred[i] for i in plain])

    gold_spans = [{(e.entity, *trim_span(ex.text, e.start, e.end)) for e in ex.entities} for ex in examples]
    predicted_spans = [_predicted_spans(ex.text, p) for ex, p in zip(examples, parses, strict=True)]
    code_ok = code_total = 0
    for ex, parse in zip(examples, parses, strict=True):
        for ent in ex.entities:
            if ent.entity != "customer_code":
                continue
            code_total += 1
            span = trim_span(ex.text, ent.start, ent.end)
            for predicted in parse.get("entities") or []:
                if predicted.get("entity") != "customer_code" or predicted.get("start") is None:
                    continue
                if trim_span(ex.text, predicted["start"], predicted["end"]) == span:
                    expected = canonical_customer_code(ex.text[span[0] : span[1]])
                    code_ok += str(predicted.get("value")) == expected
                    break

    labels = sorted(set(y_true))
    columns = labels + ([FALLBACK_INTENT] if FALLBACK_INTENT not in labels else [])
    extra = sorted(set(y_pred) - set(columns))
    columns += extra
    index = {label: i for i, label in enumerate(columns)}
    matrix = [[0] * len(columns) for _ in labels]
    for truth, guess in zip(y_true, y_pred, strict=True):
        matrix[labels.index(truth)][index[guess]] += 1

    errors = [
        (ex.text, ex.intent, guess, float((p.get("intent") or {}).get("confidence") or 0.0))
        for ex, guess, p in zip(examples, y_pred, parses, strict=True)
        if guess != ex.intent
    ]
    return Evaluation(
        name=name,
        intents=scores,
        intent_macro_f1=macro_f1(scores),
        plain_macro_f1=macro_f1(plain_scores),
        plain_count=len(plain),
        fallback_rate=sum(g == FALLBACK_INTENT for g in y_pred) / max(len(y_pred), 1),
        entities=entity_scores(gold_spans, predicted_spans),
        code_values=(code_ok, code_total),
        confusion_labels=columns,
        confusion=matrix,
        errors=errors,
    )


def failed_targets(result: Evaluation) -> list[str]:
    """The issue-4 targets this evaluation misses (empty when all are met)."""
    failures = []
    if result.intent_macro_f1 < TARGET_INTENT_MACRO_F1:
        failures.append(f"intent macro-F1 {result.intent_macro_f1:.3f} < {TARGET_INTENT_MACRO_F1}")
    if result.plain_macro_f1 < TARGET_PLAIN_MACRO_F1:
        failures.append(f"no-diacritics macro-F1 {result.plain_macro_f1:.3f} < {TARGET_PLAIN_MACRO_F1}")
    code = result.entities.get("customer_code")
    code_f1 = code.f1 if code else 0.0
    if code_f1 < TARGET_CUSTOMER_CODE_F1:
        failures.append(f"customer_code F1 {code_f1:.3f} < {TARGET_CUSTOMER_CODE_F1}")
    return failures
