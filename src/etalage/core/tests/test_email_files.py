"""The demo's emails: each message a file of its own, named by when it was sent, to
whom and its subject, that a mail client opens."""

from email import message_from_bytes, policy

from django.core import mail

from etalage.core.management.commands import serve

BACKEND = "etalage.core.email_files.EmailFilesBackend"


def test_messages_sent_together_are_each_a_file_named_for_a_person_to_find(tmp_path):
    connection = mail.get_connection(BACKEND, file_path=str(tmp_path))
    sent = mail.send_mass_mail(
        [
            (
                "Confirm your email address",
                "Link: …",
                "shop@example.be",
                ["buyer@example.cn"],
            ),
            (
                "Votre commande E2612-A1Z0 est payée",
                "Merci",
                "shop@example.be",
                ["Marie.Dupont@example.be"],
            ),
            ("订单已发货", "您的包裹", "shop@example.be", ["wang@example.cn"]),
        ],
        connection=connection,
    )
    assert sent == 3
    files = sorted(tmp_path.iterdir())
    assert len(files) == 3  # Django's file backend wrote one file for the three
    names = [f.name for f in files]
    assert names[0].endswith("_buyer@example.cn_confirm-your-email-address.eml")
    assert names[1].endswith(
        "_marie.dupont@example.be_votre-commande-e2612-a1z0-est-payée.eml"
    )
    assert names[2].endswith("_wang@example.cn_订单已发货.eml")
    assert names[0][:15].replace("-", "").isdigit()  # 20261207-172913: when, first
    message = message_from_bytes(files[2].read_bytes(), policy=policy.default)
    assert message["To"] == "wang@example.cn" and message["Subject"] == "订单已发货"
    assert message.get_content().strip() == "您的包裹"


def test_two_messages_alike_in_the_same_instant_keep_both(tmp_path, monkeypatch):
    from etalage.core import email_files

    monkeypatch.setattr(email_files, "email_file_name", lambda m, w: "same.eml")
    connection = mail.get_connection(BACKEND, file_path=str(tmp_path))
    message = ("Hello", "one", "a@example.be", ["b@example.be"])
    assert mail.send_mass_mail([message, message], connection=connection) == 2
    assert sorted(f.name for f in tmp_path.iterdir()) == ["same-1.eml", "same.eml"]


def test_the_demo_writes_its_emails_with_this_backend():
    assert serve.FILE_EMAILS == BACKEND
