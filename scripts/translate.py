"""Extract new UI strings into the zh_Hans catalogue, fill in translations, compile.

    .venv/bin/python scripts/translate.py [FILE.json ...]

Each FILE is a JSON object {"English msgid": "中文译文", ...}. The script takes a lock on the
catalogue (several people may run it at once), runs ``makemessages`` (as ``make messages``
does), fills every entry whose translation is empty or fuzzy from the files, compiles the
.mo and prints the msgids still without a translation (exit status 1 when there are any).
Never edit the .po by hand while someone else may run this: the lock only protects runs of
this script.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
LOCK = ROOT / "locale" / ".translate.lock"
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def translated(entry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def run(*args: str) -> None:
    subprocess.run([*MANAGE, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def main(paths: list[str]) -> int:
    translations: dict[str, str] = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        run(
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=tests",
            "--ignore=scripts",
        )
        catalogue = polib.pofile(str(PO), wrapwidth=79)
        filled = 0
        for entry in catalogue:
            if entry.obsolete:
                continue
            if entry.msgid in translations and (not translated(entry) or entry.fuzzy):
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: translations[entry.msgid]}
                else:
                    entry.msgstr = translations[entry.msgid]
                filled += 1
            if entry.fuzzy and (entry.msgstr or any(entry.msgstr_plural.values())):
                # A guessed translation is never shipped: keep it only if confirmed above.
                if entry.msgid not in translations:
                    entry.msgstr = ""
                    entry.msgstr_plural = {0: ""} if entry.msgid_plural else {}
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
        catalogue.save()
        run("compilemessages", "-l", "zh_Hans", "--ignore=.venv")
    missing = [e.msgid for e in catalogue if not e.obsolete and e.msgid and not translated(e)]
    print(f"filled {filled}; {len(missing)} without a translation")
    for msgid in missing:
        print("  " + json.dumps(msgid, ensure_ascii=False))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
