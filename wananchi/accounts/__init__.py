"""Staff accounts: officers, supervisors, oversight users and administrators; login and two-factor codes."""
