"""Pure parts of bot.evaluation.nlu: parsing, diacritics, near-duplicates, metrics, report."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.evaluation import nlu, nlu_data, report
from bot.evaluation.nlu import Entity, Example

# --- reading Rasa NLU yml -------------------------------------------------------------


def test_parse_markup_offsets_point_into_the_plain_text():
    text, entities = nlu.parse_markup("ma kh [pb 0501 000 0001](customer_code) [tháng 9](period) nha")
    assert text == "ma kh pb 0501 000 0001 tháng 9 nha"
    assert [(e.entity, text[e.start : e.end]) for e in entities] == [
        ("customer_code", "pb 0501 000 0001"),
        ("period", "tháng 9"),
    ]


def test_parse_markup_synonym_and_json_forms():
    text, entities = nlu.parse_markup('[6 lít](money:600000) và [mai]{"entity": "date", "value": "tomorrow"}')
    assert text == "6 lít và mai"
    assert entities == (Entity("money", 0, 5, "600000"), Entity("date", 9, 12, "tomorrow"))


def test_parse_markup_without_entities_is_unchanged():
    assert nlu.parse_markup("k co dien (từ hồi sáng)") == ("k co dien (từ hồi sáng)", ())


def test_load_examples_reads_block_and_list_forms(tmp_path: Path):
    (tmp_path / "a.yml").write_text(
        textwrap.dedent(
            """\
            version: "3.1"
            nlu:
            - intent: inform
              examples: |
                - [PB05010000001](customer_code)
                - ở [Cần Thơ](area)
            - synonym: x
              examples: |
                - y
            - intent: greet
              examples:
              - text: alo ad oi
            """
        ),
        encoding="utf-8",
    )
    examples = nlu.load_examples([tmp_path])
    assert [(e.intent, e.text) for e in examples] == [
        ("inform", "PB05010000001"),
        ("inform", "ở Cần Thơ"),
        ("greet", "alo ad oi"),
    ]
    assert examples[1].entities == (Entity("area", 2, 9, "Cần Thơ"),)


def test_load_domain_names_from_a_file_or_a_directory(tmp_path: Path):
    path = tmp_path / "core.yml"
    path.write_text("intents:\n- greet\n- inform:\n    use_entities: true\nentities:\n- phone\n")
    assert nlu.load_domain_names(path) == (["greet", "inform"], ["phone"])
    (tmp_path / "more.yml").write_text("intents:\n- greet\n- deny\nresponses: {}\n")
    assert nlu.load_domain_names(tmp_path) == (["greet", "inform", "deny"], ["phone"])


# --- diacritics and normalisation -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tien dien thang nay bao nhieu", False),
        ("PB05010000001 1321 ok ???", False),
        ("alo ad oi 😀", False),
        ("tiền điện", True),
        ("dc đc", True),  # đ alone counts
        ("Đồng Tháp", True),
        ("no tram", False),
        ("nổ trạm", True),
        ("hoá đơn", True),
        ("ho\u0301a đơn", True),  # decomposed tone mark
    ],
)
def test_has_diacritics(text: str, expected: bool):
    assert nlu.has_diacritics(text) is expected


def test_strip_diacritics_keeps_everything_else():
    assert nlu.strip_diacritics("Điện lực Cần Thơ: 1tr2, nợ/nổ!") == "Dien luc Can Tho: 1tr2, no/no!"
    assert nlu.strip_diacritics("hoá đơn") == nlu.strip_diacritics("hóa đơn") == "hoa don"


def test_normalise_lowercases_strips_marks_and_punctuation():
    assert nlu.normalise("  Tiền ĐIỆN tháng-này?? bao_nhiêu!! ") == "tien dien thang nay bao nhieu"
    assert nlu.normalise("???") == ""


def test_jaccard():
    a, b = nlu.token_set("cảm ơn nhiều nha"), nlu.token_set("cam on ad nhieu nha")
    assert nlu.jaccard(a, b) == pytest.approx(4 / 5)
    assert nlu.jaccard(frozenset(), frozenset()) == 1.0
    assert nlu.jaccard(frozenset({"a"}), frozenset()) == 0.0


# --- near-duplicates and data lint ---------------------------------------------------


def ex(text: str, intent: str = "greet", entities: tuple[Entity, ...] = ()) -> Example:
    return Example(text, intent, entities)


def test_near_duplicates_identical_after_normalisation():
    hits = nlu.find_near_duplicates([ex("Cảm ơn!!")], [ex("cam on", "thank")])
    assert len(hits) == 1 and hits[0].score == 1.0 and hits[0].training.intent == "thank"


def test_near_duplicates_by_token_jaccard_threshold():
    training = [ex("cam on ad nhieu nha")]
    assert nlu.find_near_duplicates([ex("cảm ơn nhiều nha")], training)  # 0.8
    assert not nlu.find_near_duplicates([ex("cảm ơn nhiều")], training)  # 0.6
    # word order does not hide a duplicate
    assert nlu.find_near_duplicates([ex("nha ad nhieu on cam")], training)[0].score == 1.0


def test_near_duplicates_keeps_best_match_and_ignores_different_messages():
    training = [ex("mat dien roi"), ex("nha tui mat dien"), ex("lich cup dien")]
    hits = nlu.find_near_duplicates([ex("nhà tui mất điện"), ex("chừng nào có điện lại")], training)
    assert [(h.held_out.text, h.training.text) for h in hits] == [("nhà tui mất điện", "nha tui mat dien")]


def test_near_duplicates_of_punctuation_only_messages():
    assert nlu.find_near_duplicates([ex("?!")], [ex("???")])


def test_label_conflicts_and_repeats():
    examples = [ex("không", "deny"), ex("khong", "affirm"), ex("ok", "affirm"), ex("OK ", "affirm")]
    assert nlu.find_label_conflicts(examples) == {"khong": ["affirm", "deny"]}
    assert nlu.find_repeats(examples) == ["ok"]
    # a message and its diacritic-free spelling are not repeats
    assert nlu.find_repeats([ex("mất điện"), ex("mat dien")]) == []


def test_invalid_entities():
    def one(markup: str) -> Example:
        text, entities = nlu.parse_markup(markup)
        return ex(text, "inform", entities)

    good = [
        one("[PB05010000001](customer_code)"),
        one("[pb 0501 000 0001](customer_code)"),
        one("[PB-1401-0098765](customer_code)"),
        one("[0939 123 456](phone) [1321](digits)"),
    ]
    assert nlu.invalid_entities(good, ["customer_code", "phone", "digits"]) == []
    bad = [
        one("[PB0501000001](customer_code)"),  # 10 digits
        one("[090811132](phone)"),
        one("[132](digits)"),
        one("[x](colour)"),
        one("[ Cần Thơ](area)"),
    ]
    problems = nlu.invalid_entities(bad, ["customer_code", "phone", "digits", "area"])
    assert len(problems) == 5


def test_lint_data_reports_counts_and_problems(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(nlu_data, "MIN_TRAIN_PER_INTENT", 2)
    monkeypatch.setattr(nlu_data, "MIN_EVAL_PER_INTENT", 1)
    training = [ex("xin chào"), ex("chao ban"), ex("alo ad oi"), ex("tạm biệt", "goodbye")]
    held_out = [ex("hello điện lực"), ex("bye", "goodbye"), ex("alo ad ơi")]
    report = nlu.lint_data(training, held_out, ["greet", "goodbye"], [])
    assert report.train_counts == {"greet": 3, "goodbye": 1}
    assert report.train_plain == {"greet": 2}
    assert report.eval_plain == {"goodbye": 1}
    assert len(report.near_duplicates) == 1
    assert not report.ok
    joined = "\n".join(report.problems)
    assert "training: goodbye has 1 examples" in joined
    assert "near-duplicate (1.00): held-out 'alo ad ơi'" in joined
    assert "held-out: greet has 0/2 without diacritics" in joined
    assert "total" in nlu.format_data_report(report)


def test_lint_data_requires_only_the_required_intents(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(nlu_data, "MIN_TRAIN_PER_INTENT", 1)
    monkeypatch.setattr(nlu_data, "MIN_EVAL_PER_INTENT", 1)
    training = [ex("alo ad oi"), ex("chi tiet", "ask_bill_detail")]
    held_out = [ex("hello dien luc")]
    report = nlu.lint_data(training, held_out, ["greet", "ask_bill_detail"], [], required=["greet"])
    assert report.ok
    assert report.notes == [
        "ask_bill_detail: 1 training examples, 0 held-out (not one of the required intents)"
    ]
    assert "note: ask_bill_detail" in nlu.format_data_report(report)
    report = nlu.lint_data(training, held_out, ["greet"], [])
    assert "intent 'ask_bill_detail' is not in the domain" in report.problems


# --- metrics ---------------------------------------------------------------------------


def test_intent_scores_count_fallback_as_a_miss():
    scores = nlu.intent_scores(["greet", "greet", "deny", "deny"], ["greet", "nlu_fallback", "deny", "deny"])
    assert set(scores) == {"greet", "deny"}
    assert scores["greet"].recall == 0.5 and scores["greet"].precision == 1.0
    assert scores["deny"].f1 == 1.0
    assert nlu.macro_f1(scores) == pytest.approx((2 / 3 + 1.0) / 2)
    assert nlu.intent_scores([], []) == {}


def test_intent_scores_agree_with_sklearn():
    import random

    from sklearn.metrics import precision_recall_fscore_support

    rng = random.Random(4)
    labels = ["greet", "deny", "ask_bill", "report_outage"]
    y_true = [rng.choice(labels) for _ in range(300)]
    y_pred = [t if rng.random() < 0.7 else rng.choice([*labels, "nlu_fallback"]) for t in y_true]
    scores = nlu.intent_scores(y_true, y_pred)
    order = sorted(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=order, zero_division=0)
    for i, label in enumerate(order):
        assert scores[label].precision == pytest.approx(p[i])
        assert scores[label].recall == pytest.approx(r[i])
        assert scores[label].f1 == pytest.approx(f[i])
        assert scores[label].support == s[i]


def test_trim_span():
    text = "mã (PB05010000001), nha"
    assert nlu.trim_span(text, 3, 19) == (4, 17)
    assert nlu.trim_span("  ", 0, 2) == (2, 2)


def test_entity_scores_exact_spans():
    gold = [{("customer_code", 0, 13), ("digits", 14, 18)}, {("area", 3, 10)}]
    predicted = [{("customer_code", 0, 13)}, {("area", 3, 9), ("date", 0, 2)}]
    scores = nlu.entity_scores(gold, predicted)
    assert scores["customer_code"].f1 == 1.0
    assert scores["digits"] == nlu.Score(0.0, 0.0, 0.0, 1)
    assert scores["area"].f1 == 0.0 and scores["area"].support == 1
    assert scores["date"].precision == 0.0 and scores["date"].support == 0


def _parse(intent: str, confidence: float = 0.9, entities: list[dict] | None = None) -> dict:
    return {"intent": {"name": intent, "confidence": confidence}, "entities": entities or []}


def test_evaluate_parses():
    examples = [
        ex("mã PB05010000001 nha", "inform", (Entity("customer_code", 3, 16, "PB05010000001"),)),
        ex("ma pb 0501 000 0001", "inform", (Entity("customer_code", 3, 19, "pb 0501 000 0001"),)),
        ex("mất điện", "report_outage"),
        ex("k co dien", "report_outage"),
        ex("k", "deny"),
    ]
    parses = [
        _parse(
            "inform", entities=[{"entity": "customer_code", "start": 3, "end": 16, "value": "PB05010000001"}]
        ),
        _parse(
            "inform",
            entities=[{"entity": "customer_code", "start": 3, "end": 19, "value": "pb 0501 000 0001"}],
        ),
        _parse("report_outage"),
        _parse("deny", 0.6),
        _parse("nlu_fallback", 0.3),
    ]
    result = nlu.evaluate_parses("test", examples, parses)
    assert result.fallback_rate == pytest.approx(0.2)
    assert result.intents["deny"].f1 == 0.0  # one false positive, one fallback
    assert result.entities["customer_code"].f1 == 1.0
    assert result.code_values == (1, 2)  # the second value is not canonical
    assert result.plain_count == 3  # "mã ..." and "mất điện" have diacritics
    assert result.plain_macro_f1 == pytest.approx(
        nlu.macro_f1(
            nlu.intent_scores(["inform", "report_outage", "deny"], ["inform", "deny", "nlu_fallback"])
        )
    )
    assert result.confusion_labels == ["deny", "inform", "report_outage", "nlu_fallback"]
    assert result.confusion[0] == [0, 0, 0, 1]  # deny -> fallback
    assert result.confusion[2] == [1, 0, 1, 0]  # report_outage -> deny once
    assert [e[:3] for e in result.errors] == [
        ("k co dien", "report_outage", "deny"),
        ("k", "deny", "nlu_fallback"),
    ]
    failures = nlu.failed_targets(result)
    assert any("intent macro-F1" in f for f in failures)
    assert not any("customer_code" in f for f in failures)


def test_failed_targets_when_no_customer_code_predicted():
    examples = [ex("[x]", "inform", (Entity("customer_code", 0, 3, "x"),))]
    result = nlu.evaluate_parses("t", examples, [_parse("inform")])
    assert any("customer_code F1 0.000" in f for f in nlu.failed_targets(result))


def test_percentile():
    assert report.percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert report.percentile([1, 2], 0.95) == 2
    assert report.percentile([], 0.5) == 0.0


# --- configs and report -----------------------------------------------------------------


def test_default_pipeline_copies_epochs_seed_and_fallback():
    project = {
        "language": "vi",
        "pipeline": [
            {"name": "bot.nlu.Tokenizer"},
            {"name": "DIETClassifier", "epochs": 60, "random_seed": 7, "entity_recognition": False},
            {"name": "FallbackClassifier", "threshold": 0.5, "ambiguity_threshold": 0.1},
        ],
    }
    config = nlu.default_pipeline_config(project)
    names = [c["name"] for c in config["pipeline"]]
    assert names == [
        "WhitespaceTokenizer",
        "CountVectorsFeaturizer",
        "CountVectorsFeaturizer",
        "DIETClassifier",
        "FallbackClassifier",
    ]
    assert config["pipeline"][2] == {
        "name": "CountVectorsFeaturizer",
        "analyzer": "char_wb",
        "min_ngram": 1,
        "max_ngram": 4,
    }
    assert config["pipeline"][3] == {"name": "DIETClassifier", "epochs": 60, "random_seed": 7}
    assert config["pipeline"][4] == {
        "name": "FallbackClassifier",
        "threshold": 0.5,
        "ambiguity_threshold": 0.1,
    }
    assert nlu.default_pipeline_config(project, epochs=3)["pipeline"][3]["epochs"] == 3


def test_with_epochs_overrides_diet_only_and_drops_policies():
    project = {
        "pipeline": [{"name": "DIETClassifier", "epochs": 60}],
        "policies": [{"name": "TEDPolicy", "epochs": 40}],
    }
    assert nlu.with_epochs(project, 5) == {"pipeline": [{"name": "DIETClassifier", "epochs": 5}]}
    assert nlu.with_epochs(project, None)["pipeline"][0]["epochs"] == 60
    assert project["pipeline"][0]["epochs"] == 60  # not mutated


def test_describe_pipeline():
    config = {"pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "DIETClassifier", "epochs": 5}]}
    assert nlu.describe_pipeline(config) == "WhitespaceTokenizer → DIETClassifier(epochs=5)"


def test_replace_section_keeps_the_rest_of_the_document():
    start, end = report.section_markers(nlu.SECTION)
    document = f"# Benchmarks\n\nintro\n\n{start}\nold\n{end}\n\n## REST\nkept\n"
    updated = report.replace_section(document, "new body\n", start, end)
    assert updated == f"# Benchmarks\n\nintro\n\n{start}\nnew body\n{end}\n\n## REST\nkept\n"
    assert report.replace_section(updated, "new body", start, end) == updated


def test_replace_section_appends_when_missing():
    start, end = report.section_markers(nlu.SECTION)
    assert start == "<!-- nlu-eval:start -->"
    assert report.replace_section("# B\n", "x", start, end) == f"# B\n\n{start}\nx\n{end}\n"
    assert report.replace_section("", "x", start, end) == f"{start}\nx\n{end}\n"


def test_render_section_mentions_every_number():
    examples = [
        ex("PB05010000001", "inform", (Entity("customer_code", 0, 13, "PB05010000001"),)),
        ex("k", "deny"),
    ]
    parses = [
        _parse(
            "inform", entities=[{"entity": "customer_code", "start": 0, "end": 13, "value": "PB05010000001"}]
        ),
        _parse("affirm", 0.42),
    ]
    result = nlu.evaluate_parses("project pipeline", examples, parses)
    result.median_ms, result.p95_ms, result.train_seconds = 4.2, 9.9, 120.0
    text = nlu.render_section(
        [result],
        when="27/11/2026 09:00",
        machine="2 CPUs",
        data_line="Data: 2.",
        images=[("cm", "img/x.png")],
    )
    for expected in (
        "27/11/2026 09:00",
        "2 CPUs",
        "Data: 2.",
        "4.2 ms",
        "120 s",
        "| deny | 1 |",
        "customer_code",
        "1/1",
        "![cm](img/x.png)",
        "| k | deny | affirm | 0.42 |",
    ):
        assert expected in text
    result.train_seconds = None  # --check with a model trained elsewhere
    untimed = nlu.render_section([result], when="x", machine="x", data_line="x", images=[])
    assert "| training time | not timed here |" in untimed and "– s" not in untimed


def test_resolve_model_picks_newest(tmp_path: Path):
    import os

    old, new = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    old.write_text("x")
    new.write_text("y")
    os.utime(old, (1, 1))
    assert nlu.resolve_model(tmp_path) == new
    assert nlu.resolve_model(old) == old
    with pytest.raises(FileNotFoundError):
        nlu.resolve_model(tmp_path / "missing.tar.gz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        nlu.resolve_model(tmp_path / "empty")


def test_run_benchmark_orchestration_without_training(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Both pipelines are "trained" and evaluated on the real data files; the section is
    written and both confusion matrices are plotted (training and parsing faked).

    The fake parses miss on purpose, differently for each pipeline (the project pipeline
    sends every 7th held-out message to the fallback, the default one every 3rd to
    ``greet``), so the numbers in the section must be each pipeline's own scores, as
    sklearn computes them from the same predictions; the gold labels fed back would
    score 1.000 whatever the code did with them."""
    from sklearn.metrics import f1_score

    trained: list[dict] = []
    predictions: dict[str, list[str]] = {}
    golds: dict[str, list[str]] = {}

    def fake_train(config_path: Path, out_dir: Path, name: str) -> tuple[Path, float]:
        import yaml

        trained.append(yaml.safe_load(config_path.read_text(encoding="utf-8")))
        return out_dir / f"{name}.tar.gz", 12.0

    def miss(name: str, index: int, gold: str) -> str:
        if name.startswith("project"):
            return "nlu_fallback" if index % 7 == 0 else gold
        return "greet" if index % 3 == 0 else gold

    def fake_evaluate(name, model_path, held_out, warmup):
        guesses = [miss(name, i, ex.intent) for i, ex in enumerate(held_out)]
        predictions[name], golds[name] = guesses, [ex.intent for ex in held_out]
        result = nlu.evaluate_parses(name, held_out, [_parse(guess) for guess in guesses])
        result.median_ms, result.p95_ms = 3.0, 5.0
        return result

    written: dict[str, str] = {}
    monkeypatch.chdir(nlu.PROJECT_ROOT)
    monkeypatch.setattr(nlu, "_prepare_rasa", lambda cache_dir: None)
    monkeypatch.setattr(nlu, "train_model", fake_train)
    monkeypatch.setattr(nlu, "evaluate_model", fake_evaluate)
    monkeypatch.setattr(nlu, "write_section", lambda name, body: written.update({name: body}))
    monkeypatch.setattr(nlu, "CONFUSION_PNG", tmp_path / "project.png")
    monkeypatch.setattr(nlu, "CONFUSION_DEFAULT_PNG", tmp_path / "default.png")

    assert nlu.run_benchmark(epochs=2, only=None, keep_models=None) == 0
    assert "project pipeline: below target: intent macro-F1" in capsys.readouterr().out
    assert [c["pipeline"][0]["name"] for c in trained][1] == "WhitespaceTokenizer"
    assert all(
        c["epochs"] == 2 for config in trained for c in config["pipeline"] if c["name"] == "DIETClassifier"
    )
    project, default = sorted(predictions, key=lambda name: not name.startswith("project"))
    expected = []
    for name in (project, default):
        labels = sorted(set(golds[name]))
        expected.append(
            f1_score(golds[name], predictions[name], labels=labels, average="macro", zero_division=0)
        )
    assert expected[0] != expected[1] and max(expected) < 0.99  # the misses count
    body = written["nlu-eval"]
    assert f"| intent macro-F1 (fallback = error) | {expected[0]:.3f} | {expected[1]:.3f} |" in body
    assert "Quick run: DIET epochs overridden to 2" in body
    assert (tmp_path / "project.png").stat().st_size > 0
    assert (tmp_path / "default.png").stat().st_size > 0
