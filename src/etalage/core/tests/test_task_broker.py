"""Background tasks on Redis (ETALAGE_TASK_BROKER=redis): a task enqueued goes
through Redis to a worker, which runs it against the database; the domain events it
delivers stay in the outbox until then. CI runs these against its Redis
(ETALAGE_TEST_REDIS_URL); elsewhere they are skipped with the reason unless that or
ETALAGE_REDIS_URL names a Redis."""

import os

import pytest

from etalage.events.models import OutboxEvent
from etalage.events.outbox import event_record, outbox_deliver_task
from etalage.events.types import PricingChanged


@pytest.fixture
def rq_queue(settings):
    url = settings.ETALAGE_REDIS_URL or os.environ.get("ETALAGE_TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI has no Redis for the task broker's tests")
        pytest.skip("needs Redis: set ETALAGE_TEST_REDIS_URL (CI does)")
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


def _work(queue) -> None:
    import django_rq

    worker = django_rq.get_worker(
        "default",
        job_class="django_tasks_rq.Job",
        worker_class="rq.worker.SimpleWorker",
    )
    worker.work(burst=True)


def test_a_task_goes_through_redis_to_a_worker(db, rq_queue):
    event_record(PricingChanged(reason="rates imported"))
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 1
    result = outbox_deliver_task.enqueue()
    assert rq_queue.count == 1  # waiting in Redis, not in the database
    _work(rq_queue)
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


def test_a_deferred_task_waits_in_redis_for_its_time(db, rq_queue):
    from datetime import timedelta

    from django.utils import timezone
    from rq.registry import ScheduledJobRegistry

    result = outbox_deliver_task.using(
        run_after=timezone.now() + timedelta(hours=1)
    ).enqueue()
    assert rq_queue.count == 0
    assert result.id in ScheduledJobRegistry(queue=rq_queue).get_job_ids()
