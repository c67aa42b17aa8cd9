"""Run many ``studyportal`` commands, each in its own process, without paying Python's start-up for each.

``python -m tests.fork_runner`` reads a JSON list of jobs (``{"cwd": ..., "args": [...]}``) on stdin, imports
the command once, then forks one child per job (``--parallel`` at a time). A child changes to the job's folder,
points its file descriptors 1 and 2 at files of its own and runs the command's ``main`` as ``python -m
studyportal.cli ARGS`` would, so what the command and its own children (the MkDocs build) print is captured as
from a child process. Prints a JSON list of ``{"returncode", "stdout", "stderr"}``, in the order of the jobs.

Only interpreter start-up and imports are shared; tests that use this keep a few jobs run the plain way and
compare the two (see ``tests/test_check_build_agree.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path


def _child(job: dict, out: Path, err: Path) -> None:
    """The forked child: run one command, then leave without running the parent's clean-up."""
    code = 70
    try:
        from studyportal.cli import main

        signal.alarm(int(job.get("timeout", 300)))  # a hung command ends here (its build dies with it), not the whole run
        os.chdir(job["cwd"])
        for fd, path in ((1, out), (2, err)):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        sys.argv = ["studyportal", *job["args"]]
        try:
            main(job["args"], prog_name="studyportal")
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # a bug escaping the command: its traceback, as the interpreter would print it
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def run_all(jobs: list[dict], parallel: int) -> list[dict]:
    """Fork one child per job, at most ``parallel`` at a time; their exit status and output, in the order of ``jobs``."""
    import studyportal.cli  # noqa: F401  (imported once, before forking: what every child shares)

    results: list[dict | None] = [None] * len(jobs)
    running: dict[int, tuple[int, Path, Path]] = {}
    with tempfile.TemporaryDirectory(prefix="fork-runner-") as tmp:
        pending = list(enumerate(jobs))

        def reap() -> None:
            pid, status = os.wait()
            index, out, err = running.pop(pid)
            results[index] = {
                "returncode": os.waitstatus_to_exitcode(status),
                "stdout": out.read_text(encoding="utf-8", errors="replace"),
                "stderr": err.read_text(encoding="utf-8", errors="replace"),
            }

        while pending or running:
            while pending and len(running) < parallel:
                index, job = pending.pop(0)
                out, err = Path(tmp) / f"{index}.out", Path(tmp) / f"{index}.err"
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(job, out, err)
                running[pid] = (index, out, err)
            reap()
    return [r for r in results if r is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parallel", type=int, default=2)
    jobs = json.load(sys.stdin)
    print(json.dumps(run_all(jobs, parser.parse_args().parallel), ensure_ascii=False))


if __name__ == "__main__":
    main()
