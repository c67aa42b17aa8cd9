"""Plan: turn the catalog into page sources (Markdown plus template data) and a navigation tree."""
