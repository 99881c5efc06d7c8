"""The sandbox's key files: made once, put in place whole, the same key for every
process of an installation, and never left half-written by a process killed while
making one (the crash test killed a worker there: every process after it waited on
an empty key file and no notification was processed again)."""

import multiprocessing
import os
import signal
import time

import pytest

from etalage.payments import sandbox_keys
from etalage.payments.antom_signing import load_private_key


def _public(key):
    return key.public_key().public_numbers()


def test_a_key_is_made_once_and_read_back(tmp_path):
    path = tmp_path / "antom-merchant.pem"
    made = sandbox_keys._key_file(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert _public(load_private_key(path.read_bytes())) == _public(made)
    assert _public(sandbox_keys._key_file(path)) == _public(made)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", path.name]


def test_an_empty_key_file_left_by_a_killed_process_is_made_again(tmp_path):
    path = tmp_path / "antom-merchant.pem"
    path.touch(mode=0o600)  # what an older release left when killed mid-write
    started = time.monotonic()
    key = sandbox_keys._key_file(path)
    assert time.monotonic() - started < 3  # not the old five seconds of retries
    assert _public(load_private_key(path.read_bytes())) == _public(key)


def test_a_failure_while_making_a_key_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "antom-merchant.pem"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox_keys.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sandbox_keys._key_file(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock"]


def _make(path, queue):
    queue.put(sandbox_keys._key_file(path).public_key().public_numbers().n)


def _make_then_hang(path):
    # Holds the lock as a process making the key would, then is killed.
    import fcntl

    with (path.parent / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        time.sleep(60)


def test_processes_starting_together_end_up_with_one_key(tmp_path):
    path = tmp_path / "wechat-platform.pem"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    makers = [context.Process(target=_make, args=(path, queue)) for _ in range(4)]
    for maker in makers:
        maker.start()
    moduli = {queue.get(timeout=60) for _ in makers}
    for maker in makers:
        maker.join(timeout=60)
    kept = load_private_key(path.read_bytes())
    assert moduli == {kept.public_key().public_numbers().n}


def test_a_process_killed_holding_the_lock_does_not_hold_it_for_ever(tmp_path):
    path = tmp_path / "antom-provider.pem"
    context = multiprocessing.get_context("fork")
    holder = context.Process(target=_make_then_hang, args=(path,))
    holder.start()
    time.sleep(0.5)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(timeout=10)
    key = sandbox_keys._key_file(path)
    assert _public(load_private_key(path.read_bytes())) == _public(key)
