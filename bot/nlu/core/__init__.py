"""Plain-Python Vietnamese text processing used by the Rasa components."""
