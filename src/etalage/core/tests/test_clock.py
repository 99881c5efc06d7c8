"""The clock's round: every chore once; in the running clock a chore that fails is
logged and the chores after it still run."""

import pytest

from etalage.core import clock


def test_a_failing_chore_does_not_stop_the_others_in_the_running_clock(
    monkeypatch, caplog
):
    def down() -> int:
        raise ConnectionError("the carrier is down")

    chores = {"first": lambda: 1, "down": down, "after": lambda: 2}
    monkeypatch.setattr(clock, "_CHORES", chores)
    assert clock.clock_round(keep_going=True) == {"first": 1, "after": 2}
    assert "clock chore down failed" in caplog.text
    with pytest.raises(ConnectionError):  # called by itself (as tests do) it raises
        clock.clock_round()
