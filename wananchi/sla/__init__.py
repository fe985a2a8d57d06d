"""Response-time targets: working-time arithmetic over institution calendars, targets and the escalation scan."""
