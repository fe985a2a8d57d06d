"""Shared machinery: the database boundary, languages, errors."""
