"""Folding for matching names; kept here for ingest's imports, defined once in `bot.text`."""

from bot.text import compact, fold, slug, strip_marks, transliterate

__all__ = ["compact", "fold", "slug", "strip_marks", "transliterate"]
