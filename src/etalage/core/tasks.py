"""Background work shared by the contexts, run by `etalage db_worker`."""

from django_tasks import task


@task()
def outbox_deliver_task() -> int:
    """Deliver the domain events waiting in the outbox."""
    from etalage.core.outbox import outbox_deliver

    return outbox_deliver()
