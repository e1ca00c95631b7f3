"""Registering, logging in and logging out."""

from app.auth.routes import bp

__all__ = ["bp"]
