"""The NLU data: reading Rasa's yml, and the requirements the data must meet.

Pure (no Rasa import): examples and their entity markup, the domain's names, the
diacritic-free normal form and the near-duplicate check between held-out and training
messages, and :func:`lint_data` (``python -m bot.evaluation.nlu --lint-data``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NEAR_DUPLICATE_JACCARD = 0.8
# Combined intents ("ask_bill+ask_debt": two questions in one message, split on "+" by
# the tokenizer) borrow the features of their parts, so they need fewer examples.
COMBINED_INTENT_SYMBOL = "+"

# Data requirements checked by ``--lint-data``.
MIN_TRAIN_PER_INTENT = 40
MIN_EVAL_PER_INTENT = 15
MIN_TRAIN_PER_COMBINED = 10
MIN_EVAL_PER_COMBINED = 4
MIN_PLAIN_SHARE = 1 / 3
# Training time grows with the examples (CI must stay under 30 minutes on 2 cores):
# about 2,300 examples train in about two minutes with the DIET settings of config.yml.
MAX_TRAIN_EXAMPLES = 2400


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
