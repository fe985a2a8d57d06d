"""Administration: institutions, categories, routing rules, users and roles, canned responses."""
