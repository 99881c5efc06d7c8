"""How messages reach customs and answers come back: one interface, two transports.

``FileGateway`` is how a declarant is connected in practice: the customs client
software (the operator's "single window" client, holding the certificate device)
watches a folder for messages to send and drops customs' receipts in another.
``SimulatorGateway`` hands messages to the embedded single window
(``simulator``) instead. ``ETALAGE_CUSTOMS_GATEWAY`` chooses (``files`` or
``simulator``); a transport of one's own (an HTTP gateway) is a dotted path to a
class with the same three methods.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from etalage.declarations import simulator


class GatewayError(Exception):
    """The message could not be handed over (it is kept, and sent again)."""


class Gateway(Protocol):
    def send(self, *, kind: str, guid: str, message: bytes) -> None:
        """Hand a signed message over; raise ``GatewayError`` if it was not."""
        ...

    def collect(self) -> list[bytes]:
        """The answers (receipts, tax bills) waiting, each handed over once."""
        ...

    def query(self, *, kind: str, guid: str, message: bytes) -> None:
        """Ask customs again where a message stands (it answers with its newest
        receipt): the same message again, under the same guid."""
        ...


class FileGateway:
    """Exchange folders shared with the customs client software: ``out/`` for
    messages (written whole, then renamed, so the client never reads half a
    file), ``in/`` for answers (moved to ``in/done/`` once read)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        for folder in ("out", "in", "in/done"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def send(self, *, kind: str, guid: str, message: bytes) -> None:
        target = self.root / "out" / f"CEB{kind}_{guid}.xml"
        partial = target.with_suffix(".part")
        try:
            partial.write_bytes(message)
            os.replace(partial, target)
        except OSError as error:
            raise GatewayError(str(error)) from error

    def collect(self) -> list[bytes]:
        answers = []
        for path in sorted((self.root / "in").glob("*.xml"), key=os.path.getmtime):
            answers.append(path.read_bytes())
            os.replace(path, self.root / "in" / "done" / path.name)
        return answers

    def query(self, *, kind: str, guid: str, message: bytes) -> None:
        self.send(kind=kind, guid=guid, message=message)


class SimulatorGateway:
    """The embedded single window (never the real one)."""

    def send(self, *, kind: str, guid: str, message: bytes) -> None:
        simulator.receive(message)

    def collect(self) -> list[bytes]:
        return simulator.answers_due()

    def query(self, *, kind: str, guid: str, message: bytes) -> None:
        if not simulator.query(guid):
            simulator.receive(message)  # never arrived: it arrives now


def gateway() -> Gateway:
    chosen = settings.ETALAGE_CUSTOMS_GATEWAY
    if chosen == "simulator":
        if not settings.ETALAGE_CUSTOMS_SANDBOX:
            raise GatewayError("the simulator is off (ETALAGE_CUSTOMS_SANDBOX)")
        return SimulatorGateway()
    if chosen == "files":
        folder = settings.ETALAGE_CUSTOMS_GATEWAY_DIR or Path(
            settings.PRIVATE_ROOT, "customs-gateway"
        )
        return FileGateway(folder)
    made: Gateway = import_string(chosen)()
    return made
