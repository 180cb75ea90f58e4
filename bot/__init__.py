"""Vietnamese customer-support assistant for a southern power corporation."""
