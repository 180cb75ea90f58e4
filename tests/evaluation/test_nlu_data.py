"""The NLU training data and the held-out set meet the requirements of issue 4.

Fast (no Rasa): counts per intent, the share written without diacritics, no held-out
message near-duplicating a training one, no conflicting labels, well-formed entities.
"""

from __future__ import annotations

from bot.evaluation import nlu

ROOT = nlu.PROJECT_ROOT


def test_training_and_held_out_data_meet_the_requirements():
    intents, entities = nlu.load_domain_names(ROOT / nlu.DOMAIN)
    training = nlu.load_examples([ROOT / nlu.TRAIN_DATA])
    held_out = nlu.load_examples([ROOT / nlu.EVAL_DATA])
    required = nlu.required_intents(ROOT / nlu.DOMAIN)
    report = nlu.lint_data(training, held_out, intents, entities, required)
    assert report.problems == []
    assert set(required) <= set(report.eval_counts)


def test_contrast_examples_are_present():
    texts = {(ex.text, ex.intent) for ex in nlu.load_examples([ROOT / nlu.TRAIN_DATA])}
    for pair in [
        ("alo ad oi", "greet"),
        ("xin chào", "greet"),
        ("chao ban", "greet"),
        ("k", "deny"),
        ("k co dien", "report_outage"),
        ("no tram bien ap", "report_hazard"),
        ("day dien bi dut", "report_hazard"),
        ("cot dien nghieng", "report_hazard"),
        ("300 số hết bao nhiêu tiền", "ask_tariff"),
        ("số tổng đài là gì", "ask_contact"),
        ("đừng gửi thông báo nữa", "unsubscribe_alerts"),
    ]:
        assert pair in texts, pair
