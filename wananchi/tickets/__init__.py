"""Tickets (hoja): submission, tracking, and their history."""
