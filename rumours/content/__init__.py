"""Content: the model, loading and checking of the Markdown library (no Flask)."""
