"""How well the importer reads the sample notices, clean and OCR-degraded.

For every sample in ``tests/data/samples`` with its hand-written ground truth
in ``tests/data/expected``, the parser runs on the clean text and on degraded
copies (diacritics lost, lines broken, ``l``/``1`` and ``đ``/``d`` swapped; one
copy per seed), with the demo register's units for matching. Measured:

* tasks found: assigned tasks of the ground truth that the parser proposed;
* lead right: found tasks whose lead units are the ground truth's;
* deadline right: found tasks with a deadline or recurrence in the ground
  truth that got the same date and recurrence.

    python bench/import_accuracy.py [--seeds 3] [--json FILE]

Targets (issue 5): found >= 90 %, lead right >= 85 %, deadline right >= 95 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz

from cdsdesk.importing.degrade import degrade
from cdsdesk.importing.parser import ParsedNotice, ParsedTask, parse_notice
from cdsdesk.importing.units_match import fold_ocr, normalize_unit_name
from cdsdesk.services.units import UnitInfo

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"
EXPECTED = ROOT / "tests" / "data" / "expected"
TARGETS = {"found": 90.0, "lead": 85.0, "deadline": 95.0}
CONTENT_MATCH = 80  # similarity of the start of a task's text to count as the same task
NAME_MATCH = 85  # similarity of two unit names to count as the same unit


@dataclass
class Score:
    truth: int = 0
    found: int = 0
    lead_right: int = 0
    deadline_total: int = 0
    deadline_right: int = 0
    fields_total: int = 0
    fields_right: int = 0

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _pct(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 100.0

    @property
    def found_pct(self) -> float:
        return self._pct(self.found, self.truth)

    @property
    def lead_pct(self) -> float:
        return self._pct(self.lead_right, self.found)

    @property
    def deadline_pct(self) -> float:
        return self._pct(self.deadline_right, self.deadline_total)

    @property
    def fields_pct(self) -> float:
        return self._pct(self.fields_right, self.fields_total)

    def meets_targets(self) -> bool:
        return (
            self.found_pct >= TARGETS["found"]
            and self.lead_pct >= TARGETS["lead"]
            and self.deadline_pct >= TARGETS["deadline"]
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "found_pct": round(self.found_pct, 1),
            "lead_pct": round(self.lead_pct, 1),
            "deadline_pct": round(self.deadline_pct, 1),
            "fields_pct": round(self.fields_pct, 1),
        }


def _key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in fold_ocr(text)).split())[:160]


def _same_units(found: tuple[str, ...], truth: list[str]) -> bool:
    if len(found) != len(truth):
        return False
    left = [normalize_unit_name(name) for name in found]
    for name in truth:
        wanted = normalize_unit_name(name)
        best = max(range(len(left)), key=lambda i: fuzz.ratio(left[i], wanted), default=None)
        if best is None or fuzz.ratio(left[best], wanted) < NAME_MATCH:
            return False
        left.pop(best)
    return True


def _pair_tasks(
    tasks: tuple[ParsedTask, ...], truth: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], ParsedTask]]:
    """Ground-truth tasks paired with the proposed task of the same text (greedy, best first)."""
    candidates = []
    for i, want in enumerate(truth):
        for j, got in enumerate(tasks):
            similarity = fuzz.ratio(_key(want["content"]), _key(got.content))
            if similarity >= CONTENT_MATCH:
                candidates.append((similarity + (1 if want["ref"] == got.ref else 0), i, j))
    pairs = []
    used_truth: set[int] = set()
    used_found: set[int] = set()
    for _similarity, i, j in sorted(candidates, reverse=True):
        if i not in used_truth and j not in used_found:
            used_truth.add(i)
            used_found.add(j)
            pairs.append((truth[i], tasks[j]))
    return pairs


def _fields_score(parsed: ParsedNotice, expected: dict[str, Any], score: Score) -> None:
    doc = parsed.to_json()["document"]
    for name, want in expected.items():
        if name in ("recipients",):
            right = [_key(r) for r in doc[name]] == [_key(r) for r in want]
        elif name in ("title", "chair", "issuer") and want and doc.get(name):
            right = fuzz.ratio(_key(want), _key(doc[name])) >= CONTENT_MATCH
        elif name in ("signer", "signer_title", "place", "archive_line") and want:
            right = _key(want) == _key(doc.get(name) or "")
        else:
            right = doc.get(name) == want
        score.fields_total += 1
        score.fields_right += int(right)


def score_notice(parsed: ParsedNotice, expected: dict[str, Any]) -> Score:
    """Compare one parse with its ground truth (see the module docstring)."""
    truth = expected["tasks"]
    score = Score(truth=len(truth))
    for want, got in _pair_tasks(parsed.tasks, truth):
        score.found += 1
        score.lead_right += int(_same_units(got.lead_units, want["lead_units"]))
        if want["deadline"] is not None or want["recurrence"] is not None:
            score.deadline_total += 1
            same_recurrence = got.recurrence_key == want["recurrence"]
            got_date = got.deadline.date.isoformat() if got.deadline and got.deadline.date else None
            same_date = want["recurrence"] is not None or got_date == want["deadline"]
            score.deadline_right += int(same_recurrence and same_date)
    _fields_score(parsed, expected["document"], score)
    return score


def demo_units() -> list[UnitInfo]:
    """The demo register's units (written to a temporary register and read back)."""
    from cdsdesk.demo import write_demo
    from cdsdesk.services.units import list_units
    from cdsdesk.storage.db import Register

    with tempfile.TemporaryDirectory() as folder, Register(Path(folder) / "demo.cdsdb") as reg:
        write_demo(reg)
        units = list_units(reg)
        reg.engine.dispose()  # let the folder go on Windows
    return units


def run(seeds: int = 3, units: list[UnitInfo] | None = None) -> dict[str, Any]:
    """Score every sample clean and degraded; returns per-sample and overall scores."""
    units = demo_units() if units is None else units
    samples: dict[str, Any] = {}
    overall = {"clean": Score(), "degraded": Score()}
    for expected_path in sorted(EXPECTED.glob("*.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        text = (SAMPLES / expected["sample"]).read_text(encoding="utf-8")
        clean = score_notice(parse_notice(text, units=units), expected)
        degraded = Score()
        for seed in range(seeds):
            degraded.add(score_notice(parse_notice(degrade(text, seed), units=units), expected))
        overall["clean"].add(clean)
        overall["degraded"].add(degraded)
        samples[expected["sample"]] = {"clean": clean, "degraded": degraded}
    return {"samples": samples, "overall": overall, "seeds": seeds}


def _table(result: dict[str, Any]) -> str:
    rows = [
        f"{'sample':42} {'text':9} {'tasks':>6} {'found%':>7} {'lead%':>7} {'deadl%':>7} "
        f"{'fields%':>8}"
    ]
    entries = [(name, kind, s) for name, r in result["samples"].items() for kind, s in r.items()]
    entries += [("OVERALL", kind, s) for kind, s in result["overall"].items()]
    for name, kind, score in entries:
        rows.append(
            f"{name[:42]:42} {kind:9} {score.truth:6d} {score.found_pct:7.1f} "
            f"{score.lead_pct:7.1f} {score.deadline_pct:7.1f} {score.fields_pct:8.1f}"
        )
    targets = ", ".join(f"{k} >= {v:.0f}%" for k, v in TARGETS.items())
    rows.append(f"targets: {targets}; degraded = {result['seeds']} seeds per sample")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="degraded copies per sample")
    parser.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    args = parser.parse_args(argv)
    result = run(args.seeds)
    print(_table(result))
    if args.json:
        data = {
            "seeds": result["seeds"],
            "targets": TARGETS,
            "samples": {
                name: {kind: s.as_dict() for kind, s in r.items()}
                for name, r in result["samples"].items()
            },
            "overall": {kind: s.as_dict() for kind, s in result["overall"].items()},
        }
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    return 0 if all(s.meets_targets() for s in result["overall"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
