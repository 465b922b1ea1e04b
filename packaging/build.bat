@echo off
rem Build CDSDesk for Windows and check it: one command, from any folder.
rem
rem     packaging\build.bat
rem
rem Needs 64-bit Python 3.11 from python.org (with the "py" launcher) and the
rem internet or a local package mirror for pip. Makes:
rem     dist\CDSDesk\                         the program folder (CDSDesk.exe inside)
rem     dist\CDSDesk-VERSION-windows-x64.zip   the same folder, zipped, to hand out
rem     dist\selftest.txt                     the built program's self-test report
rem Builds in its own virtual environment (build\venv), so that nothing else
rem installed on this PC ends up in the program.
setlocal
chcp 65001 >nul
cd /d "%~dp0.." || exit /b 1

if not exist build\venv\Scripts\python.exe (
    echo Creating build\venv ...
    py -3.11 -m venv build\venv || goto :fail
)
set "PY=build\venv\Scripts\python.exe"
"%PY%" -m pip install -q --disable-pip-version-check -r requirements-build.txt || goto :fail
"%PY%" -m PyInstaller --noconfirm --clean --log-level WARN pyinstaller.spec || goto :fail

rem The program has no console window: its self-test report goes to a file.
dist\CDSDesk\CDSDesk.exe --selftest > dist\selftest.txt 2>&1
set "RC=%ERRORLEVEL%"
type dist\selftest.txt
if not "%RC%"=="0" (
    echo Self-test FAILED, see dist\selftest.txt
    exit /b 1
)

for /f %%v in ('%PY% packaging\version_info.py --print-version') do set "VERSION=%%v"
set "ZIP=CDSDesk-%VERSION%-windows-x64.zip"
if exist "dist\%ZIP%" del "dist\%ZIP%"
pushd dist
"..\%PY%" -m zipfile -c "%ZIP%" CDSDesk || (popd & goto :fail)
popd
echo.
echo Built dist\CDSDesk\CDSDesk.exe and dist\%ZIP%
exit /b 0

:fail
echo Build FAILED.
exit /b 1
