"""CĐS Desk: start-up only. Parse arguments, open the register, show the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cdsdesk", description="CĐS Desk")
    parser.add_argument(
        "--db", metavar="PATH", help="register file (default: the user's data folder)"
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="render the window at 1366x768 to FILE.png and exit",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from ui.app import run

    return run(Path(args.db) if args.db else None, screenshot=args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
