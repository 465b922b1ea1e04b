"""The long run of the crash test and the fuzzers, for a session rather than CI.

    python bench/fuzz_long.py        # 500 kills; 5,000 CLI, 2,000 services, 2,000 importer inputs
    python bench/fuzz_long.py --kills 50 --cli 500 --services 200 --imports 200
    python bench/fuzz_long.py --only crash --kills 2000 --spawn

The crash test runs here directly (tests/crash_writer.py) and prints its progress;
the fuzzers run as pytest on their test files with the example counts raised
through environment variables, and their counts are collected from the lines
the tests print. Ends with one summary block to paste into a closing note, and
exits non-zero when anything failed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

COUNT_LINE = re.compile(r"^(?:crash test|cli |units |tasks |edits |import )")
PYTEST_TAIL = re.compile(r"^=+ .*(passed|failed|error).* =+$|^\d+ (passed|failed)")


def run_crash(kills: int, seed: int, spawn: bool) -> tuple[bool, str]:
    import crash_writer as cw

    with tempfile.TemporaryDirectory(prefix="cdsdesk-crash-") as folder:
        started = time.monotonic()

        def progress(counts: cw.Counts) -> None:
            if counts.kills % 50 == 0:
                print(f"  {counts.summary()} ({time.monotonic() - started:.0f} s)", flush=True)

        counts = cw.run_kills(
            Path(folder) / "crash.cdsdb", kills, seed=seed, spawn=spawn, progress=progress
        )
    mode = "spawned interpreters" if spawn else "forked writers"
    line = f"crash test ({mode}, seed {seed}): {counts.summary()}"
    for problem in counts.problems[:10]:
        line += f"\n  PROBLEM: {problem}"
    return not counts.problems and counts.writes_lost == 0, line


def run_pytest(label: str, target: list[str], env: dict[str, str]) -> tuple[bool, list[str]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *target],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    lines = [f"{label} ({time.monotonic() - started:.0f} s):"]
    for line in done.stdout.splitlines():
        if COUNT_LINE.match(line.strip()) or PYTEST_TAIL.match(line.strip()):
            lines.append("  " + line.strip())
    if done.returncode != 0:
        lines.append("  FAILED; the end of pytest's output:")
        lines.extend("    " + x for x in done.stdout.splitlines()[-60:])
    return done.returncode == 0, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--spawn", action="store_true", help="a fresh interpreter per kill")
    parser.add_argument("--seed", type=int, default=random.randrange(10**6))
    parser.add_argument("--cli", type=int, default=5000, help="CLI argument lists in all")
    parser.add_argument("--services", type=int, default=2000, help="per service fuzz test")
    parser.add_argument("--imports", type=int, default=2000, help="per importer fuzz test")
    parser.add_argument("--slow-scale", type=int, default=5, help="size of the slow texts")
    parser.add_argument("--only", choices=["crash", "cli", "services", "imports"])
    args = parser.parse_args()

    ok = True
    summary: list[str] = []
    if args.only in (None, "crash"):
        print(f"crash test: {args.kills} kills ...", flush=True)
        passed, line = run_crash(args.kills, args.seed, args.spawn)
        ok &= passed
        summary.append(line)
    # Four in five CLI lists go to the reading commands, one to exports/backup/restore/demo
    # (which render documents and take ten times longer each).
    jobs = {
        "cli": (
            ["tests/test_fuzz_cli.py"],
            {
                "CDSDESK_FUZZ_CLI_READS": str(args.cli * 4 // 5),
                "CDSDESK_FUZZ_CLI_WRITES": str(args.cli - args.cli * 4 // 5),
            },
        ),
        "services": (
            ["tests/test_fuzz_services.py"],
            {"CDSDESK_FUZZ_SERVICES": str(args.services)},
        ),
        "imports": (
            ["tests/test_fuzz_import.py"],
            {
                "CDSDESK_FUZZ_IMPORT": str(args.imports),
                "CDSDESK_FUZZ_SLOW_SCALE": str(args.slow_scale),
            },
        ),
    }
    for name, (target, env) in jobs.items():
        if args.only not in (None, name):
            continue
        print(f"{name}: {env} ...", flush=True)
        passed, lines = run_pytest(name, target, env)
        ok &= passed
        summary.extend(lines)
    print("\n== summary ==")
    print("\n".join(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
