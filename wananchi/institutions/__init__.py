"""The institution tree, places, categories (services) and the routing rules."""
