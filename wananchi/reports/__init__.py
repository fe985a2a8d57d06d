"""Reports: read-only figures of tickets, for staff and the public."""
