"""Public pages that belong to no other domain: home, language switch, health check."""
