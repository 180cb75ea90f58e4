"""NLU benchmark and held-out checks (``make eval-nlu``).

Three ways to run it (from the project root, with the project's venv)::

    python -m bot.evaluation.nlu                      # train + evaluate both pipelines,
                                                      # write docs/benchmarks.md section
    python -m bot.evaluation.nlu --check --model models/
                                                      # held-out targets and a bounded fuzz
                                                      # run (bot.evaluation.fuzz), trained model
    python -m bot.evaluation.nlu --lint-data          # counts, no-diacritics share,
                                                      # near-duplicates (no Rasa needed)

The full run trains, into a temporary directory (never into ``models/``), the project
pipeline of ``config.yml`` and Rasa's default pipeline (see
:func:`default_pipeline_config`) on ``data/nlu``, parses every message of the held-out
set ``tests/nlu/eval.yml`` in process and reports intent macro-F1 (a prediction of
``nlu_fallback`` counts as an error), per-intent F1, fallback rate, entity F1 per entity
(exact character spans), the macro-F1 of the messages written without any Vietnamese
diacritics, the median NLU time per message after a warm-up, and confusion matrices.

The top half of the module is pure (no Rasa import) and unit-tested in
``tests/evaluation``; Rasa is imported only inside the functions that train or parse.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation import fuzz
from bot.evaluation.report import BENCHMARKS, machine_description, percentile, write_section

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRAIN_DATA = Path("data/nlu")
EVAL_DATA = Path("tests/nlu/eval.yml")
DOMAIN = Path("domain.yml")
# Intents held to the data minimums (training count, held-out examples): every intent of
# the domain. NOT_YET_HELD_OUT may name intents still without held-out examples (reported
# only); it is empty now and should stay so.
NOT_YET_HELD_OUT: frozenset[str] = frozenset()
# Combined intents ("ask_bill+ask_debt": two questions in one message, split on "+" by
# the tokenizer) borrow the features of their parts, so they need fewer examples.
COMBINED_INTENT_SYMBOL = "+"
CONFIG = Path("config.yml")
CONFUSION_PNG = Path("docs/img/nlu-confusion.png")
CONFUSION_DEFAULT_PNG = Path("docs/img/nlu-confusion-default.png")

SECTION = "nlu-eval"  # <!-- nlu-eval:start --> ... <!-- nlu-eval:end --> in BENCHMARKS

FALLBACK_INTENT = "nlu_fallback"
NEAR_DUPLICATE_JACCARD = 0.8

# Targets of issue 4 checked by ``--check`` (``make test``).
TARGET_INTENT_MACRO_F1 = 0.95
TARGET_PLAIN_MACRO_F1 = 0.93
TARGET_CUSTOMER_CODE_F1 = 1.0

# Data requirements checked by ``--lint-data``.
MIN_TRAIN_PER_INTENT = 40
MIN_EVAL_PER_INTENT = 15
MIN_TRAIN_PER_COMBINED = 10
MIN_EVAL_PER_COMBINED = 4
MIN_PLAIN_SHARE = 1 / 3
# Training time grows with the examples (CI must stay under 30 minutes on 2 cores):
# about 2,200 examples train in ~4 minutes with the DIET settings of config.yml.
MAX_TRAIN_EXAMPLES = 2400

WARMUP_MESSAGES = 20


# ---------------------------------------------------------------------------------
# Reading Rasa NLU yml (pure)
# ---------------------------------------------------------------------------------

_ENTITY_MARKUP = re.compile(r"\[(?P<text>[^\]]+)\]" r"(?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class Entity:
    entity: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[Entity, ...] = ()
    source: str = ""


def parse_markup(markup: str) -> tuple[str, tuple[Entity, ...]]:
    """Plain text and entities of one annotated example.

    Supports Rasa's ``[text](entity)``, ``[text](entity:value)`` and
    ``[text]{"entity": "...", "value": "..."}`` forms.
    """
    parts: list[str] = []
    entities: list[Entity] = []
    position = 0
    length = 0
    for match in _ENTITY_MARKUP.finditer(markup):
        before = markup[position : match.start()]
        parts.append(before)
        length += len(before)
        surface = match.group("text")
        if match.group("json"):
            spec = json.loads(match.group("json"))
            name = spec["entity"]
            value = str(spec.get("value", surface))
        else:
            name, _, value = match.group("name").partition(":")
            value = value or surface
        entities.append(Entity(name.strip(), length, length + len(surface), value))
        parts.append(surface)
        length += len(surface)
        position = match.end()
    parts.append(markup[position:])
    return "".join(parts), tuple(entities)


def _example_lines(examples: Any) -> list[str]:
    if isinstance(examples, str):
        lines = []
        for line in examples.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                lines.append(stripped[2:].strip())
            elif stripped == "-":
                lines.append("")
        return lines
    if isinstance(examples, list):
        return [item["text"] if isinstance(item, dict) else str(item) for item in examples]
    return []


def load_examples(paths: Iterable[Path | str]) -> list[Example]:
    """Every intent example of the given yml files or directories (sorted by file)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"}))
        else:
            files.append(path)
    examples: list[Example] = []
    for file in files:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if "intent" not in item:
                continue
            for line in _example_lines(item.get("examples")):
                text, entities = parse_markup(line)
                examples.append(Example(text, item["intent"], entities, str(file)))
    return examples


def load_domain_names(domain_path: Path | str) -> tuple[list[str], list[str]]:
    """Intent and entity names declared in the domain (a file or a directory of files)."""
    path = Path(domain_path)
    files = sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"}) if path.is_dir() else [path]
    intents: list[str] = []
    entities: list[str] = []

    def add(target: list[str], items: Iterable[Any]) -> None:
        for item in items:
            name = next(iter(item)) if isinstance(item, dict) else str(item)
            if name not in target:
                target.append(name)

    for file in files:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        add(intents, document.get("intents") or [])
        add(entities, document.get("entities") or [])
    return intents, entities


# ---------------------------------------------------------------------------------
# Diacritics, normalisation, near-duplicates (pure)
# ---------------------------------------------------------------------------------


def has_diacritics(text: str) -> bool:
    """True when the text has any Vietnamese diacritic (tone, hat, horn, breve, đ)."""
    if "đ" in text or "Đ" in text:
        return True
    return any(0x0300 <= ord(ch) <= 0x036F for ch in unicodedata.normalize("NFD", text))


def strip_diacritics(text: str) -> str:
    """``Tiền điện`` -> ``Tien dien`` (other characters unchanged)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not 0x0300 <= ord(ch) <= 0x036F)
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def normalise(text: str) -> str:
    """Lower case, no diacritics, punctuation and symbols as spaces, single spaces."""
    bare = strip_diacritics(unicodedata.normalize("NFC", text)).lower()
    return " ".join(re.sub(r"[^\w]+|_", " ", bare).split())


def token_set(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class NearDuplicate:
    held_out: Example
    training: Example
    score: float


def find_near_duplicates(
    held_out: Sequence[Example],
    training: Sequence[Example],
    threshold: float = NEAR_DUPLICATE_JACCARD,
) -> list[NearDuplicate]:
    """Held-out examples identical to a training one after :func:`normalise`, or whose
    token sets have a Jaccard similarity of at least ``threshold``."""
    train_keys = [(normalise(ex.text), token_set(ex.text), ex) for ex in training]
    hits: list[NearDuplicate] = []
    for example in held_out:
        key, tokens = normalise(example.text), token_set(example.text)
        best: NearDuplicate | None = None
        for train_key, train_tokens, train_example in train_keys:
            score = 1.0 if key == train_key else jaccard(tokens, train_tokens)
            if score >= threshold and (best is None or score > best.score):
                best = NearDuplicate(example, train_example, score)
        if best is not None:
            hits.append(best)
    return hits


def find_label_conflicts(examples: Sequence[Example]) -> dict[str, list[str]]:
    """Texts that are identical after :func:`normalise` but labelled with different intents."""
    intents: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        intents[normalise(example.text)].add(example.intent)
    return {text: sorted(labels) for text, labels in intents.items() if len(labels) > 1}


def find_repeats(examples: Sequence[Example]) -> list[str]:
    """Texts present more than once (same characters up to case and spacing).

    A message and its diacritic-free spelling are distinct examples on purpose.
    """
    counts = Counter(" ".join(unicodedata.normalize("NFC", ex.text).lower().split()) for ex in examples)
    return sorted(text for text, count in counts.items() if count > 1)


_CODE_RE = re.compile(r"^[A-Za-z]{2}\d{11}$")
_PHONE_RE = re.compile(r"^0\d{9}$")
_DIGITS_RE = re.compile(r"^\d{4}$")


def invalid_entities(examples: Sequence[Example], known: Iterable[str]) -> list[str]:
    """Annotations with an unknown entity name or a malformed code / phone / digits."""
    known = set(known)
    problems = []
    for example in examples:
        for ent in example.entities:
            surface = example.text[ent.start : ent.end]
            compact = re.sub(r"[\s.\-]", "", surface)
            if ent.entity not in known:
                problems.append(f"unknown entity {ent.entity!r} in {example.text!r}")
            elif surface != surface.strip():
                problems.append(f"{ent.entity} span has outer spaces in {example.text!r}")
            elif ent.entity == "customer_code" and not _CODE_RE.match(compact):
                problems.append(f"customer_code {surface!r} is not 2 letters + 11 digits")
            elif ent.entity == "phone" and not _PHONE_RE.match(compact):
                problems.append(f"phone {surface!r} is not 10 digits starting with 0")
            elif ent.entity == "digits" and not _DIGITS_RE.match(compact):
                problems.append(f"digits {surface!r} is not 4 digits")
    return problems


@dataclass
class DataReport:
    train_counts: dict[str, int]
    eval_counts: dict[str, int]
    train_plain: dict[str, int]
    eval_plain: dict[str, int]
    near_duplicates: list[NearDuplicate]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def lint_data(
    training: Sequence[Example],
    held_out: Sequence[Example],
    intents: Sequence[str],
    entities: Sequence[str],
    required: Sequence[str] | None = None,
) -> DataReport:
    """Check the data requirements of issue 4; ``problems`` lists every violation.

    ``intents`` are all the domain's intents; the per-intent minimums apply to
    ``required`` (default: all of them). Other intents (added by later conversations)
    are listed in ``notes`` when the held-out set does not cover them.
    """
    required = list(intents if required is None else required)
    train_counts = Counter(ex.intent for ex in training)
    eval_counts = Counter(ex.intent for ex in held_out)
    train_plain = Counter(ex.intent for ex in training if not has_diacritics(ex.text))
    eval_plain = Counter(ex.intent for ex in held_out if not has_diacritics(ex.text))
    dupes = find_near_duplicates(held_out, training)
    problems: list[str] = []
    for name in sorted(set(train_counts) | set(eval_counts)):
        if name not in intents:
            problems.append(f"intent {name!r} is not in the domain")
    notes = [
        f"{name}: {train_counts[name]} training examples, {eval_counts[name]} held-out "
        "(not one of the required intents)"
        for name in intents
        if name not in required
    ]
    for name in required:
        combined = COMBINED_INTENT_SYMBOL in name
        train_min = MIN_TRAIN_PER_COMBINED if combined else MIN_TRAIN_PER_INTENT
        eval_min = MIN_EVAL_PER_COMBINED if combined else MIN_EVAL_PER_INTENT
        for label, counts, plain, minimum in (
            ("training", train_counts, train_plain, train_min),
            ("held-out", eval_counts, eval_plain, eval_min),
        ):
            if counts[name] < minimum:
                problems.append(f"{label}: {name} has {counts[name]} examples (< {minimum})")
            elif plain[name] < MIN_PLAIN_SHARE * counts[name]:
                problems.append(f"{label}: {name} has {plain[name]}/{counts[name]} without diacritics")
    if len(training) > MAX_TRAIN_EXAMPLES:
        problems.append(f"{len(training)} training examples (> {MAX_TRAIN_EXAMPLES})")
    for dupe in dupes:
        problems.append(
            f"near-duplicate ({dupe.score:.2f}): held-out {dupe.held_out.text!r} "
            f"[{dupe.held_out.intent}] ~ training {dupe.training.text!r} [{dupe.training.intent}]"
        )
    for label, examples in (("training", training), ("held-out", held_out)):
        for text, labels in find_label_conflicts(examples).items():
            problems.append(f"{label}: {text!r} is labelled {', '.join(labels)}")
        for text in find_repeats(examples):
            problems.append(f"{label}: {text!r} is repeated")
        problems.extend(f"{label}: {p}" for p in invalid_entities(examples, entities))
    return DataReport(
        dict(train_counts), dict(eval_counts), dict(train_plain), dict(eval_plain), dupes, problems, notes
    )


def format_data_report(report: DataReport) -> str:
    lines = [f"{'intent':22} {'train':>5} {'plain':>6} {'eval':>5} {'plain':>6}"]
    for name in sorted(set(report.train_counts) | set(report.eval_counts)):
        tc, ec = report.train_counts.get(name, 0), report.eval_counts.get(name, 0)
        tp, ep = report.train_plain.get(name, 0), report.eval_plain.get(name, 0)
        lines.append(f"{name:22} {tc:5d} {tp / max(tc, 1):6.0%} {ec:5d} {ep / max(ec, 1):6.0%}")
    tc, ec = sum(report.train_counts.values()), sum(report.eval_counts.values())
    tp, ep = sum(report.train_plain.values()), sum(report.eval_plain.values())
    lines.append(f"{'total':22} {tc:5d} {tp / max(tc, 1):6.0%} {ec:5d} {ep / max(ec, 1):6.0%}")
    lines.append(f"near-duplicates (Jaccard >= {NEAR_DUPLICATE_JACCARD}): {len(report.near_duplicates)}")
    lines.extend(f"note: {note}" for note in report.notes)
    lines.extend(f"PROBLEM: {problem}" for problem in report.problems)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------
# Metrics (pure)
# ---------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------
# Report (pure)
# ---------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_section(
    results: Sequence[Evaluation],
    *,
    when: str,
    machine: str,
    data_line: str,
    notes: Sequence[str] = (),
    images: Sequence[tuple[str, str]] = (),
    max_errors: int = 40,
) -> str:
    """Markdown of the benchmark section (project pipeline first)."""
    names = [r.name for r in results]
    head = "| | " + " | ".join(names) + " | target |"
    rule = "|---|" + "---|" * len(results) + "---|"

    def row(label: str, values: Iterable[str], target: str = "") -> str:
        return f"| {label} | " + " | ".join(values) + f" | {target} |"

    def code_f1(r: Evaluation) -> str:
        score = r.entities.get("customer_code")
        return _f(score.f1) if score else "–"

    lines = [
        "## NLU evaluation (held-out set)",
        "",
        f"Generated by `make eval-nlu` (`python -m bot.evaluation.nlu`) on {when}.",
        f"Machine: {machine}.",
        data_line,
        "",
        head,
        rule,
        row(
            "intent macro-F1 (fallback = error)",
            (_f(r.intent_macro_f1) for r in results),
            f"≥ {TARGET_INTENT_MACRO_F1}",
        ),
        row(
            "macro-F1, messages without diacritics",
            (f"{_f(r.plain_macro_f1)} (n={r.plain_count})" for r in results),
            f"≥ {TARGET_PLAIN_MACRO_F1}, ≥ default + 0.03",
        ),
        row("fallback rate", (f"{r.fallback_rate:.1%}" for r in results)),
        row("customer_code F1 (exact span)", (code_f1(r) for r in results), "1.0"),
        row(
            "customer_code value canonical",
            (f"{r.code_values[0]}/{r.code_values[1]}" for r in results),
        ),
        row("median NLU time per message", (f"{_f(r.median_ms, 1)} ms" for r in results), "≤ 15 ms"),
        row("p95 NLU time per message", (f"{_f(r.p95_ms, 1)} ms" for r in results)),
        row("training time", (f"{_f(r.train_seconds, 0)} s" for r in results)),
        "",
    ]
    for r in results:
        lines.append(f"- **{r.name}**: {r.config}")
    lines.extend(f"- {note}" for note in notes)
    lines += ["", "### Per-intent F1", "", "| intent | support | " + " | ".join(names) + " |"]
    lines.append("|---|---:|" + "---:|" * len(results))
    intents = sorted(results[0].intents) if results else []
    for intent in intents:
        support = results[0].intents[intent].support
        values = (_f(r.intents[intent].f1) if intent in r.intents else "–" for r in results)
        lines.append(f"| {intent} | {support} | " + " | ".join(values) + " |")
    lines += ["", "### Entities (exact character spans; P / R / F1)", ""]
    lines.append("| entity | support | " + " | ".join(names) + " |")
    lines.append("|---|---:|" + "---|" * len(results))
    entity_names = sorted({name for r in results for name in r.entities})
    for name in entity_names:
        support = max((r.entities[name].support for r in results if name in r.entities), default=0)
        cells = []
        for r in results:
            s = r.entities.get(name)
            cells.append(f"{s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}" if s else "–")
        lines.append(f"| {name} | {support} | " + " | ".join(cells) + " |")
    for caption, path in images:
        lines += ["", f"![{caption}]({path})"]
    if results:
        first = results[0]
        shown = first.errors[:max_errors]
        lines += [
            "",
            f"### Errors of the {first.name} ({len(first.errors)}; first {len(shown)})",
            "",
            "| message | expected | predicted | confidence |",
            "|---|---|---|---:|",
        ]
        for text, expected, predicted, confidence in shown:
            safe = text.replace("|", "\\|")
            lines.append(f"| {safe} | {expected} | {predicted} | {confidence:.2f} |")
    return "\n".join(lines) + "\n"


def plot_confusion(result: Evaluation, path: Path) -> None:
    """Confusion-matrix PNG (rows: expected intent, columns: predicted, incl. fallback)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [label for label in result.confusion_labels if label in result.intents]
    size = max(8.0, 0.42 * len(result.confusion_labels) + 3)
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    ax.imshow(result.confusion, cmap="Blues", aspect="auto")
    ax.set_xticks(
        range(len(result.confusion_labels)), result.confusion_labels, rotation=60, ha="right", fontsize=8
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    peak = max((max(r) for r in result.confusion), default=1) or 1
    for i, row_values in enumerate(result.confusion):
        for j, value in enumerate(row_values):
            if value:
                colour = "white" if value > peak / 2 else "black"
                ax.text(j, i, str(value), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title(f"{result.name}: intent macro-F1 {result.intent_macro_f1:.3f} (held-out)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------
# Pipelines, training and parsing (Rasa)
# ---------------------------------------------------------------------------------


def _component(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next((c for c in config.get("pipeline") or [] if c.get("name") == name), {})


def default_pipeline_config(project: dict[str, Any], epochs: int | None = None) -> dict[str, Any]:
    """Rasa's default-style pipeline with the project's DIET epochs / seed and fallback.

    WhitespaceTokenizer; CountVectorsFeaturizer (word); CountVectorsFeaturizer
    (char_wb, 1–4); DIETClassifier (defaults otherwise, so it also extracts entities);
    FallbackClassifier with the project's threshold and ambiguity threshold.
    """
    diet = _component(project, "DIETClassifier")
    fallback = _component(project, "FallbackClassifier")
    return {
        "recipe": "default.v1",
        "language": project.get("language", "vi"),
        "assistant_id": f"{project.get('assistant_id', 'assistant')}-default-baseline",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            {
                "name": "DIETClassifier",
                "epochs": epochs or diet.get("epochs", 100),
                "random_seed": diet.get("random_seed", 42),
            },
            {
                "name": "FallbackClassifier",
                "threshold": fallback.get("threshold", 0.3),
                "ambiguity_threshold": fallback.get("ambiguity_threshold", 0.1),
            },
        ],
    }


def with_epochs(config: dict[str, Any], epochs: int | None) -> dict[str, Any]:
    """A copy of ``config`` whose DIETClassifier trains ``epochs`` epochs (None: as is)."""
    copy = json.loads(json.dumps(config))
    if epochs:
        for component in copy.get("pipeline") or []:
            if component.get("name") == "DIETClassifier" or str(component.get("name", "")).endswith(
                "DIETClassifier"
            ):
                component["epochs"] = epochs
    copy.pop("policies", None)
    return copy


def describe_pipeline(config: dict[str, Any]) -> str:
    parts = []
    for component in config.get("pipeline") or []:
        options = {k: v for k, v in component.items() if k != "name"}
        text = ", ".join(f"{k}={v}" for k, v in options.items())
        parts.append(f"{component['name']}({text})" if text else component["name"])
    return " → ".join(parts)


def _prepare_rasa(cache_dir: Path) -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["RASA_CACHE_DIRECTORY"] = str(cache_dir)
    import logging

    from rasa.utils.log_utils import configure_structlog

    # Rasa's structlog prints a debug line per parsed message unless configured;
    # that would also inflate the measured NLU time.
    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)


def train_model(config_path: Path, out_dir: Path, name: str) -> tuple[Path, float]:
    """Train an NLU-only model; returns its path and the wall time in seconds."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(
        config=str(config_path),
        nlu_data=str(TRAIN_DATA),
        output=str(out_dir),
        fixed_model_name=name,
        domain=str(DOMAIN),
    )
    if not model:
        raise RuntimeError(f"training {name} produced no model")
    return Path(model), time.perf_counter() - started


def load_agent(model_path: Path) -> Any:
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


def parse_messages(
    model_path: Path | Any, texts: Sequence[str], warmup: Sequence[str]
) -> tuple[list[dict[str, Any]], list[float]]:
    """Load the model in process (or take a loaded ``Agent``) and parse ``texts`` one by
    one, timing each parse (seconds) after parsing the ``warmup`` messages."""
    import asyncio

    agent = load_agent(model_path) if isinstance(model_path, Path | str) else model_path

    async def run() -> tuple[list[dict[str, Any]], list[float]]:
        for text in warmup:
            await agent.parse_message(text)
        parses, times = [], []
        for text in texts:
            started = time.perf_counter()
            parses.append(await agent.parse_message(text))
            times.append(time.perf_counter() - started)
        return parses, times

    return asyncio.run(run())


def evaluate_model(
    name: str, model_path: Path | Any, held_out: Sequence[Example], warmup: Sequence[str]
) -> Evaluation:
    parses, times = parse_messages(model_path, [ex.text for ex in held_out], warmup)
    result = evaluate_parses(name, held_out, parses)
    result.median_ms = statistics.median(times) * 1000 if times else None
    result.p95_ms = percentile(times, 0.95) * 1000 if times else None
    return result


def resolve_model(path: Path) -> Path:
    """A model file, or the newest ``*.tar.gz`` of a directory."""
    if path.is_dir():
        models = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not models:
            raise FileNotFoundError(f"no *.tar.gz model in {path}")
        return models[-1]
    if not path.exists():
        raise FileNotFoundError(path)
    return path


# ---------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------


def _print_result(result: Evaluation) -> None:
    code = result.entities.get("customer_code")
    print(
        f"{result.name}: intent macro-F1 {result.intent_macro_f1:.3f}, "
        f"no-diacritics macro-F1 {result.plain_macro_f1:.3f} (n={result.plain_count}), "
        f"fallback {result.fallback_rate:.1%}, customer_code F1 "
        f"{code.f1 if code else 0.0:.3f}, median {_f(result.median_ms, 1)} ms"
    )
    for name, score in result.entities.items():
        print(
            f"  entity {name:14} P {score.precision:.2f} R {score.recall:.2f} "
            f"F1 {score.f1:.2f} (n={score.support})"
        )
    for intent, score in result.intents.items():
        if score.f1 < 1.0:
            print(f"  intent {intent:20} F1 {score.f1:.3f} (n={score.support})")


def required_intents(domain_path: Path | str = DOMAIN) -> list[str]:
    return [name for name in load_domain_names(domain_path)[0] if name not in NOT_YET_HELD_OUT]


def run_lint() -> int:
    intents, entities = load_domain_names(DOMAIN)
    report = lint_data(
        load_examples([TRAIN_DATA]), load_examples([EVAL_DATA]), intents, entities, required_intents()
    )
    print(format_data_report(report))
    return 0 if report.ok else 1


def fuzz_model(agent: Any, seeds: Sequence[str], count: int = fuzz.DEFAULT_COUNT) -> fuzz.FuzzReport:
    """The bounded fuzz run (bot.evaluation.fuzz) on a loaded agent."""
    import asyncio

    return asyncio.run(fuzz.run_fuzz(agent.parse_message, fuzz.fuzz_messages(seeds, count)))


def run_check(model: Path, eval_path: Path, fuzz_count: int = fuzz.DEFAULT_COUNT) -> int:
    held_out = load_examples([eval_path])
    with tempfile.TemporaryDirectory(prefix="nlu-check-") as tmp:
        _prepare_rasa(Path(tmp) / "cache")
        warmup = [ex.text for ex in load_examples([TRAIN_DATA])][:WARMUP_MESSAGES]
        agent = load_agent(resolve_model(model))
        result = evaluate_model("model", agent, held_out, warmup)
        fuzzed = fuzz_model(agent, [ex.text for ex in held_out], fuzz_count) if fuzz_count else None
    _print_result(result)
    failures = failed_targets(result)
    if fuzzed is not None:
        print(
            f"fuzz: {fuzzed.messages} messages, {len(fuzzed.failures)} problems, slowest "
            f"{fuzzed.slowest_seconds * 1000:.0f} ms ({fuzzed.slowest_text!r})"
        )
        failures += [f"fuzz: {problem}" for problem in fuzzed.failures[:20]]
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("held-out NLU targets met")
    return 1 if failures else 0


def run_benchmark(epochs: int | None, only: str | None, keep_models: Path | None) -> int:
    from bot import clock

    training = load_examples([TRAIN_DATA])
    held_out = load_examples([EVAL_DATA])
    intents, entities = load_domain_names(DOMAIN)
    report = lint_data(training, held_out, intents, entities, required_intents())
    if report.near_duplicates:
        print(format_data_report(report))
        print("held-out set has near-duplicates of training examples: fix them first")
        return 1

    project = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    configs = {
        "project pipeline": with_epochs(project, epochs),
        "default pipeline": default_pipeline_config(project, epochs),
    }
    if only:
        configs = {k: v for k, v in configs.items() if k.startswith(only)}
    warmup = [ex.text for ex in training[:: max(1, len(training) // WARMUP_MESSAGES)]][:WARMUP_MESSAGES]

    results: list[Evaluation] = []
    tmp = Path(tempfile.mkdtemp(prefix="nlu-eval-"))
    # A killed run (SIGTERM) still removes its temporary models.
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        _prepare_rasa(tmp / "cache")
        for index, (name, config) in enumerate(configs.items()):
            config_path = tmp / f"config-{index}.yml"
            config_path.write_text(
                yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
            print(f"training {name}: {describe_pipeline(config)}", flush=True)
            model, seconds = train_model(config_path, tmp / "models", f"nlu-{index}")
            print(f"  trained in {seconds:.0f} s; parsing {len(held_out)} held-out messages", flush=True)
            result = evaluate_model(name, model, held_out, warmup)
            result.train_seconds = seconds
            result.config = describe_pipeline(config)
            results.append(result)
            _print_result(result)
            if keep_models:
                keep_models.mkdir(parents=True, exist_ok=True)
                shutil.copy2(model, keep_models / model.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_handler)

    images = []
    for result in results:
        path = CONFUSION_DEFAULT_PNG if result.name == "default pipeline" else CONFUSION_PNG
        plot_confusion(result, path)
        images.append((f"confusion matrix, {result.name}", os.path.relpath(path, BENCHMARKS.parent)))

    notes = [
        "Intent macro-F1 is the mean F1 over the held-out intents; a message the model "
        "sends to `nlu_fallback` counts as a miss for its intent.",
        '"Without diacritics": messages with no Vietnamese diacritic at all (no tone or '
        "vowel marks, no đ).",
        f"NLU time: the model loaded in process with `rasa.core.agent.Agent`, {len(warmup)} "
        "training messages parsed as warm-up, then each held-out message parsed once "
        "(`Agent.parse_message`, sequentially).",
    ]
    if epochs:
        notes.append(f"Quick run: DIET epochs overridden to {epochs} for both pipelines.")
    if len(results) == 2:
        gap = results[0].plain_macro_f1 - results[1].plain_macro_f1
        notes.append(f"No-diacritics macro-F1, project minus default: {gap:+.3f} (target ≥ +0.03).")
    plain_eval = sum(not has_diacritics(ex.text) for ex in held_out)
    data_line = (
        f"Data: {len(training)} training examples (`{TRAIN_DATA}`), {len(held_out)} held-out "
        f"(`{EVAL_DATA}`, {plain_eval} without diacritics), {len(intents)} intents; "
        "no held-out message is a near-duplicate of a training one (Jaccard ≥ 0.8 on "
        "normalised tokens)."
    )
    section = render_section(
        results,
        when=clock.now().strftime("%d/%m/%Y %H:%M (Vietnam time)"),
        machine=machine_description(),
        data_line=data_line,
        notes=notes,
        images=images,
    )
    write_section(SECTION, section)
    print(f"wrote {BENCHMARKS} and {', '.join(p for _, p in images)}")
    for result in results:
        for failure in failed_targets(result):
            print(f"{result.name}: below target: {failure}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.nlu", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check the held-out targets with --model")
    parser.add_argument("--model", type=Path, help="trained model (.tar.gz) or a directory of models")
    parser.add_argument("--eval", type=Path, default=EVAL_DATA, help="held-out NLU yml (--check)")
    parser.add_argument("--lint-data", action="store_true", help="data counts and near-duplicates only")
    parser.add_argument("--epochs", type=int, help="override DIET epochs of both pipelines (quick runs)")
    parser.add_argument("--only", choices=("project", "default"), help="train one pipeline only")
    parser.add_argument("--keep-models", type=Path, help="copy the trained models to this directory")
    parser.add_argument(
        "--fuzz", type=int, default=fuzz.DEFAULT_COUNT,
        help="mangled messages to parse after --check (0: none)",
    )
    args = parser.parse_args(argv)
    model = args.model.resolve() if args.model else None
    eval_path = args.eval.resolve()
    keep_models = args.keep_models.resolve() if args.keep_models else None

    os.chdir(PROJECT_ROOT)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    if args.lint_data:
        return run_lint()
    if args.check:
        if not model:
            parser.error("--check needs --model")
        return run_check(model, eval_path, args.fuzz)
    return run_benchmark(args.epochs, args.only, keep_models)


if __name__ == "__main__":
    sys.exit(main())
