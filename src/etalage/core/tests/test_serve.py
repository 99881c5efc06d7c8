"""`etalage serve`: it says Étalage is ready only once the first page is served,
and the demo's emails go to files, one each, so the console stays readable."""

import os
import signal
import socket
import sys

from etalage.core.management.commands.serve import Command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_banner_comes_once_the_server_answers():
    port = free_port()
    # A server that takes a second to come up, as gunicorn loading Étalage does.
    server = [sys.executable, "-c", "import time, http.server, socketserver; "
              "time.sleep(1); http.server.test(HandlerClass=http.server."
              f"SimpleHTTPRequestHandler, port={port}, bind='127.0.0.1')"]  # fmt: skip
    worker = [sys.executable, "-c", "import time; time.sleep(60)"]
    said = []

    def ready():
        said.append("ready")
        os.kill(os.getpid(), signal.SIGTERM)  # then stop, as Ctrl-C would

    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        Command()._supervise(
            [server, worker], ready_at=f"http://127.0.0.1:{port}/", ready=ready
        )
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    assert said == ["ready"]


def test_the_demo_s_emails_are_written_to_files(settings, tmp_path, monkeypatch):
    from django.core import mail
    from django.core.mail import send_mail

    from etalage.core.management.commands import serve

    settings.DATA_DIR = tmp_path
    for name in (
        "ETALAGE_EMAIL_BACKEND",
        "ETALAGE_EMAIL_FILE_PATH",
        "ETALAGE_SITE_URL",
        "ETALAGE_DEMO_CLOCK",
    ):
        monkeypatch.setenv(name, "")  # put back as they were after the test
        monkeypatch.delenv(name)
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(Command, "_supervise", lambda self, commands, **k: None)
    Command().handle(host="127.0.0.1", port=8123, workers=1, task_workers=1, demo=True)
    assert os.environ["ETALAGE_EMAIL_BACKEND"] == serve.FILE_EMAILS
    assert str(tmp_path / "emails") == settings.EMAIL_FILE_PATH
    monkeypatch.setattr(mail, "outbox", [], raising=False)
    send_mail(
        "Bonjour",
        "Votre commande",
        "shop@example.be",
        ["a@example.cn"],
        connection=mail.get_connection(serve.FILE_EMAILS),
    )
    assert "Votre commande" in next((tmp_path / "emails").iterdir()).read_text()
