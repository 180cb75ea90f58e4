"""Offline evaluation of the assistant (NLU benchmark, held-out checks)."""
