"""The ``etalage`` command: Django's management commands with Étalage's settings.

etalage serve [--demo] [--port 8000]   migrate, load the demo if asked, serve
etalage migrate                        apply database migrations
etalage demo load                      load the demo marketplace (once)
etalage fx import FILE                 import an ECB reference-rate file
etalage payouts run [--dir DIR]         pay the merchants: a SEPA pain.001 file
etalage payouts statement FILE         import the bank's camt.053 statement
etalage translations compile           compile the interface translations
etalage declarations read FILE...      what customs' answer files say (nothing applied)
"""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["translations"]:
        _translations(sys.argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etalage.settings")
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args == ["check"]:
        # `etalage check` verifies the books; Django's system checks stay available
        # as `etalage check --system` (or with any of their options).
        args = ["check_books"]
    elif args[:2] == ["check", "--system"]:
        args = ["check", *args[2:]]
    execute_from_command_line(["etalage", *args])


def _translations(args: list[str]) -> None:
    from etalage.core.translations import compile_translations, translation_problems

    if args == ["compile"]:
        for path in compile_translations():
            print(f"compiled {path.parent.parent.name}")
    elif args == ["check"]:
        problems = translation_problems()
        print("\n".join(problems) or "every message is translated")
        sys.exit(1 if problems else 0)
    else:
        sys.exit("usage: etalage translations compile|check")


if __name__ == "__main__":
    main()
