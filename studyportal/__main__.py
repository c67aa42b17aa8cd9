"""``python -m studyportal …``: the same command without relying on the Scripts folder being on PATH."""

from studyportal.cli import main

main(prog_name="studyportal")
