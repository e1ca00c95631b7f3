"""The scratch project's tests folder: atlas/testing-migrations.md copies test_stairway.py into it."""
