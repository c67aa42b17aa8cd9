"""Offline copies for village terminals: bundles that open from file://, verify, and update by small packages.

Plain Python: the site generator builds each edition in a subprocess (:mod:`studyportal.render.generator`).
"""
