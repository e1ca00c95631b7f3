"""Self-checks for the classroom exercises: `python -m exercises.check N` (or `all`) from the project folder."""
