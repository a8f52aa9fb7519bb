"""Keep the Spanish catalogue in step with the window's texts.

    python tools/translations.py update    # pyside6-lupdate: new texts into rnnstudio_es.ts
    python tools/translations.py compile   # pyside6-lrelease: rnnstudio_es.ts -> .qm
    python tools/translations.py check     # list texts still without a translation

After `update`, translate every message marked unfinished (Qt Linguist, or any editor),
then `compile`, and commit both the .ts and the .qm. tests/gui/test_translations.py fails
while a text is untranslated or the .qm is older than the .ts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "rnnstudio" / "gui").glob("*.py"))
TS = ROOT / "resources" / "translations" / "rnnstudio_es.ts"
QM = TS.with_suffix(".qm")


def update() -> int:
    command = [
        "pyside6-lupdate",
        *(str(path.relative_to(ROOT)) for path in SOURCES),
        "-no-obsolete",
        "-locations",
        "none",
        "-source-language",
        "en",
        "-target-language",
        "es",
        "-ts",
        str(TS.relative_to(ROOT)),
    ]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def compile_catalogue(ts: Path = TS, qm: Path = QM) -> int:
    command = ["pyside6-lrelease", "-silent", str(ts), "-qm", str(qm)]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def untranslated(ts: Path = TS) -> list[tuple[str, str]]:
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            element = message.find("translation")
            if element is None or not (element.text or "") or element.get("type") == "unfinished":
                missing.append((name, message.findtext("source") or ""))
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("update", "compile", "check"))
    action = parser.parse_args().action
    if action == "update":
        return update()
    if action == "compile":
        return compile_catalogue()
    missing = untranslated()
    for context, source in missing:
        print(f"{context}: {source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
