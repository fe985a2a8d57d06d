"""Maswali: answered questions and articles an institution publishes for every citizen to read."""
