"""Vietnamese NLU components for Rasa 3.6 (see docs/nlu.md).

``bot.nlu.core`` is plain Python (no Rasa import): normalisation, segmentation,
entity rules, hazard wording. The modules next to it wrap it as Rasa graph
components: normaliser, tokenizer, featurizer, entity_extractor, hazard_override.
"""
