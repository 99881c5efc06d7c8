"""``python -m etalage`` is the ``etalage`` command."""

from etalage.cli import main

main()
