"""Background work of the catalogue, run by `etalage db_worker`."""

from django_tasks import task


@task()
def catalogue_file_import(run_id: str) -> str:
    """Import a catalogue file that a merchant uploaded (a queued import run)."""
    from etalage.catalog.product_import import product_import_run_queued

    return product_import_run_queued(run_id=run_id).status
