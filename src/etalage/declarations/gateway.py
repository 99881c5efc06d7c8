"""How messages reach customs and answers come back: one interface, two transports.

``FileGateway`` is how a declarant is connected in practice: the customs client
software (the operator's "single window" client, holding the certificate device)
watches a folder for messages to send and drops customs' receipts in another.
``SimulatorGateway`` hands messages to the embedded single window
(``simulator``) instead. ``ETALAGE_CUSTOMS_GATEWAY`` chooses (``files`` or
``simulator``); a transport of one's own (an HTTP gateway) is a dotted path to a
class with the same four methods.
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

    def collect(self) -> list[tuple[str, bytes]]:
        """The answer files (receipts, tax bills) waiting, each with its name;
        a file stays waiting until it is settled."""
        ...

    def settle(self, name: str, *, failure: str = "") -> None:
        """The file ``name`` is applied (``failure`` empty), or cannot be read
        (set aside with ``failure``, the reason, for the operator)."""
        ...

    def query(self, *, kind: str, guid: str, message: bytes) -> None:
        """Ask customs again where a message stands (it answers with its newest
        receipt): the same message again, under the same guid."""
        ...


class FileGateway:
    """Exchange folders shared with the customs client software: ``out/`` for
    messages (written whole, then renamed, so the client never reads half a
    file), ``in/`` for answers (moved to ``in/done/`` once applied, to
    ``in/failed/`` with a ``.reason`` file beside it when unreadable).

    A message carries the buyer's ID number in clear (customs asks for it): each is
    written readable by its owner only (0600, the folders 0700), for the customs
    client running as the same account, which takes it from ``out/`` (moves it to
    its own sent folder) once it has sent it; nothing else keeps it in clear."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        for folder in ("out", "in", "in/done", "in/failed"):
            (self.root / folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.root / "out").chmod(0o700)

    def send(self, *, kind: str, guid: str, message: bytes) -> None:
        target = self.root / "out" / f"CEB{kind}_{guid}.xml"
        partial = target.with_suffix(".part")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as written:
                written.write(message)
            os.chmod(partial, 0o600)  # a file left by an earlier try keeps its mode
            os.replace(partial, target)
        except OSError as error:
            raise GatewayError(str(error)) from error

    def collect(self) -> list[tuple[str, bytes]]:
        answers = []
        for path in sorted((self.root / "in").glob("*.xml"), key=os.path.getmtime):
            try:
                answers.append((path.name, path.read_bytes()))
            except OSError:
                continue  # gone, or still being written: next round
        return answers

    def settle(self, name: str, *, failure: str = "") -> None:
        inbox = self.root / "in"
        if failure:
            (inbox / "failed" / f"{name}.reason").write_text(failure + "\n")
        os.replace(inbox / name, inbox / ("failed" if failure else "done") / name)

    def query(self, *, kind: str, guid: str, message: bytes) -> None:
        self.send(kind=kind, guid=guid, message=message)


class SimulatorGateway:
    """The embedded single window (never the real one)."""

    def send(self, *, kind: str, guid: str, message: bytes) -> None:
        simulator.receive(message)

    def collect(self) -> list[tuple[str, bytes]]:
        return [(f"answer-{n}", body) for n, body in enumerate(simulator.answers_due())]

    def settle(self, name: str, *, failure: str = "") -> None:
        pass  # handed over once: nothing to move

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
