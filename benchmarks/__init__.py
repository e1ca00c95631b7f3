"""Scripts that measure what migrations and pages cost; run them with `python -m benchmarks.<name>`."""
