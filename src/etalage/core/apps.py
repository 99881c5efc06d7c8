import os
from pathlib import Path

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created


def _private_sqlite_files(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """Keep the SQLite database (and its journal files) readable by its owner only:
    it holds the ID numbers' ciphertexts and every order."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


class CoreConfig(AppConfig):
    name = "etalage.core"
    label = "core"
    verbose_name = "Étalage"

    def ready(self) -> None:
        from django.core import checks

        from etalage.core.checks import keys_checked, tests_switch_checked
        from etalage.core.clock import chore_register
        from etalage.core.limits import limits_sweep
        from etalage.core.planner import planner_statistics_refreshed

        checks.register(keys_checked, checks.Tags.security)
        checks.register(tests_switch_checked, checks.Tags.security, deploy=True)
        chore_register("limit_windows_swept", limits_sweep)
        chore_register("planner_statistics_refreshed", planner_statistics_refreshed)
        connection_created.connect(_private_sqlite_files, dispatch_uid="sqlite-0600")
