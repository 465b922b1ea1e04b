#!/usr/bin/env bash
# CI: build the program folder on Linux with pyinstaller.spec, run the built program's
# --selftest offscreen, and report the folder's size (what takes the space) and its
# start-up time against running from source. Fails on any error, and when the folder
# outgrows its budget (a library pulled in by accident shows up here first).
#
#     packaging/ci_build_and_selftest.sh
#
# CDSDESK_BUNDLE_BUDGET_MB (default 185: the Linux folder carries ICU and system
# libraries that the Windows one does not) and CDSDESK_TIMING_RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
budget_mb="${CDSDESK_BUNDLE_BUDGET_MB:-185}"
runs="${CDSDESK_TIMING_RUNS:-3}"

python3 -m pip install -q --disable-pip-version-check -r requirements-build.txt

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== build (pyinstaller.spec)"
SECONDS=0
python3 -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$work/dist" --workpath "$work/build" pyinstaller.spec
build_s=$SECONDS
folder="$work/dist/CDSDesk"
app="$folder/CDSDesk"

echo "== self-test of the built program"
"$app" --selftest

echo "== size"
size_mb=$(du -sm "$folder" | cut -f1)
echo "dist/CDSDesk: ${size_mb} MB (budget ${budget_mb} MB), built in ${build_s} s"
largest() { sort -rn | head -"$1" | awk '{printf "  %7.1f MB  %s\n", $1 / 1024, $2}'; }
echo "largest entries:"
(cd "$folder" && du -sk CDSDesk _internal/* | largest 15)
echo "of which Qt:"
(cd "$folder/_internal/PySide6" && du -sk ./*.so* Qt/lib/* Qt/plugins 2>/dev/null | largest 8)

echo "== start-up, median of $runs runs: built program vs source"
# The window's start: open the demo register, build the window, save a picture, exit.
python3 -m cdsdesk --db "$work/demo.cdsdb" demo >/dev/null
python3 - "$app" "$runs" "$work" <<'PY'
import statistics
import subprocess
import sys
import time

app, runs, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)}: exit {done.returncode}\n{done.stdout.decode()}")
    return statistics.median(times)


window = ["--db", f"{work}/demo.cdsdb", "--screenshot", f"{work}/window.png"]
print(f"  {'':14}{'bundle':>9}{'source':>9}")
for label, args in (("--version", ["--version"]), ("window", window), ("--selftest", ["--selftest"])):
    bundle = median_seconds([app, *args])
    source = median_seconds([sys.executable, "main.py", *args])
    print(f"  {label:14}{bundle:8.2f}s{source:8.2f}s")
PY

if [ "$size_mb" -gt "$budget_mb" ]; then
  echo "dist/CDSDesk is ${size_mb} MB, over its budget of ${budget_mb} MB" >&2
  exit 1
fi
echo "== bundle OK"
