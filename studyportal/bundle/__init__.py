"""Offline copies for village terminals: bundles that open from file://, verify, and update by small packages.

Plain Python: the site is built by running ``mkdocs build`` in a subprocess (see :mod:`.build`).
"""
