"""Keep the Qt translations in step with the source.

``python packaging/translations.py update``  re-extracts every ``tr()`` string of the GUI into
``resources/translations/smsdesk_zh_CN.ts`` (existing translations are kept; new strings are
marked unfinished for a translator, e.g. in Qt Linguist), then compiles the ``.qm`` the app loads.
``python packaging/translations.py check`` fails if the ``.ts`` is stale or has unfinished strings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found; install PySide6")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "smsdesk" / "gui").rglob("*.py"))


def ts_path(language: str) -> Path:
    return TS_DIR / f"smsdesk_{language}.ts"


def qm_path(language: str) -> Path:
    return TS_DIR / f"smsdesk_{language}.qm"


def lupdate(target: Path) -> None:
    subprocess.run([_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources(), "-ts", str(target)],
                   cwd=ROOT, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True)


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation, None when unfinished."""
    found: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") not in ("unfinished", "vanished", "obsolete")
            found[(name, message.findtext("source") or "")] = (translation.text if done and translation is not None else None)
    return found


def update() -> None:
    TS_DIR.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        lupdate(ts_path(language))
        lrelease(ts_path(language), qm_path(language))


def check() -> list[str]:
    problems: list[str] = []
    for language in LANGUAGES:
        committed = messages(ts_path(language))
        with tempfile.TemporaryDirectory() as tmp:
            fresh_ts = Path(tmp) / "fresh.ts"
            shutil.copy(ts_path(language), fresh_ts)
            lupdate(fresh_ts)
            fresh = messages(fresh_ts)
            fresh_qm = Path(tmp) / "fresh.qm"
            lrelease(ts_path(language), fresh_qm)
            if not qm_path(language).exists() or qm_path(language).read_bytes() != fresh_qm.read_bytes():
                problems.append(f"{language}: {qm_path(language).name} does not match the .ts; run update")
        for key in sorted(set(fresh) - set(committed)):
            problems.append(f"{language}: not extracted yet: {key[0]}: {key[1]!r}")
        for key, text in sorted(fresh.items()):
            if key in committed and not text:
                problems.append(f"{language}: untranslated: {key[0]}: {key[1]!r}")
    return problems


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    else:
        issues = check()
        print("\n".join(issues) or "translations complete")
        sys.exit(1 if issues else 0)
