"""Fill unfinished entries of a .ts file from a Python file defining ``ZH = {english: chinese}``.

Used while writing new GUI strings: ``python packaging/fill_translations.py zh.py`` then
``python packaging/translations.py update`` to compile. Prints what is still missing.
"""

from __future__ import annotations

import runpy
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "smsdesk_zh_CN.ts"


def main(argv: list[str]) -> int:
    table: dict[str, str] = runpy.run_path(argv[0])["ZH"]
    tree = ET.parse(TS)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is not None and translation.get("type") == "unfinished":
            if source in table:
                translation.text = table[source]
                del translation.attrib["type"]
            else:
                missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    print("\n".join(f"missing: {m}" for m in missing) or "all filled")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
