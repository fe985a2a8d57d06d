"""Demo data: a realistic Tanzanian set of institutions, places, services and tickets."""
