"""Notifications by e-mail and SMS: a transactional outbox delivered by background workers with retries."""
