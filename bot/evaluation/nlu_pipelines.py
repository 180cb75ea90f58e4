"""The two pipelines ``make eval-nlu`` compares: ours (config.yml) and Rasa's default
(pure: configuration dictionaries only)."""

from __future__ import annotations

import json
from typing import Any


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
