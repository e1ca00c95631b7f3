"""The timeline, profiles and writing posts."""

from app.main.routes import bp

__all__ = ["bp"]
