"""studyportal: a static study-materials portal for party members.

The pipeline is load → validate → catalog → plan → render → index → bundle.
Everything except :mod:`studyportal.render` is plain Python with no MkDocs import.
"""

__version__ = "0.1.0"
