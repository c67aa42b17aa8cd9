"""Render: hand the planned pages to a site generator. Only ``mkdocs_plugin`` and ``generator`` import MkDocs."""
