"""Question banks: trainers' YAML files of questions (``materials/banks/*.yml``), one source for self-tests and printed papers.

``model`` holds the dataclasses, ``validate`` turns a parsed file into a :class:`Bank` with ``path:line:col``
problems, ``load`` finds and reads the files of a materials tree; ``paper`` and ``pdf`` make contest papers.
Plain Python: nothing here imports MkDocs.
"""

from studyportal.banks.model import Bank, Question

__all__ = ["Bank", "Question"]
