"""Offline generators of the NLU data files (run by hand, output committed)."""
