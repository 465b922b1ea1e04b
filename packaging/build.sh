#!/usr/bin/env bash
# Build the one-folder program on Linux and check it: one command.
#
#     packaging/build.sh          # dist/CDSDesk/CDSDesk, then its --selftest
#     packaging/build.sh --zip    # and dist/CDSDesk-<version>-linux-x86_64.zip
#
# Uses the python3 on PATH (3.11+, with Qt's shared libraries installed as in .ci/run);
# installs the pinned run-time and build requirements into it first.
set -euo pipefail
cd "$(dirname "$0")/.."

make_zip=0
for arg in "$@"; do
  case "$arg" in
    --zip) make_zip=1 ;;
    *) echo "usage: packaging/build.sh [--zip]" >&2; exit 2 ;;
  esac
done

python3 -m pip install -q --disable-pip-version-check -r requirements-build.txt
python3 -m PyInstaller --noconfirm --clean --log-level WARN pyinstaller.spec

# The built program proves it carries everything: register, importer, exports, window.
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" dist/CDSDesk/CDSDesk --selftest

if [ "$make_zip" = 1 ]; then
  version=$(python3 packaging/version_info.py --print-version)
  archive="dist/CDSDesk-${version}-linux-$(uname -m).zip"
  rm -f "$archive"
  (cd dist && python3 -m zipfile -c "${archive#dist/}" CDSDesk)
  echo "$archive: $(du -h "$archive" | cut -f1)"
fi
echo "dist/CDSDesk: $(du -sh dist/CDSDesk | cut -f1)"
