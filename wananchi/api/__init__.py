"""The JSON API under /api/v1: public submission and tracking, and staff work with tokens."""
