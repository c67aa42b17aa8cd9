"""Validate: turn parsed front matter and curriculum YAML into model objects, reporting every problem."""
