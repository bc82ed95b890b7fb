"""The notifiers, the SMTP one against a real local SMTP server (aiosmtpd) on a free loopback port."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fairbid.notify import DeliveryFailed, MemoryNotifier, Notifier, OutboxNotifier, SmtpNotifier

SENDER = "noreply@fairbid.example"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.tls.append(session.ssl is not None)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def smtp_server(**smtp_parameters: Any) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **smtp_parameters)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_smtp_notifier_delivers_utf8_message_to_local_server() -> None:
    with smtp_server() as (inbox, port):
        notifier: Notifier = SmtpNotifier("127.0.0.1", port, sender=SENDER)
        notifier.send("expert@example.org", "评标邀请 S-001", "请于 2026-11-28 09:00 到副场报到。")
    [(recipients, message)] = inbox.messages
    assert recipients == ["expert@example.org"]
    assert message["Subject"] == "评标邀请 S-001"
    assert message["From"] == SENDER
    assert message.get_content().strip() == "请于 2026-11-28 09:00 到副场报到。"
    assert inbox.tls == [False]


def test_smtp_notifier_uses_starttls_when_required(tmp_path: Path) -> None:
    cert_path, key_path = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_path, key_path)
    client_context = ssl.create_default_context(cafile=str(cert_path))
    with smtp_server(tls_context=server_context, require_starttls=True) as (inbox, port):
        plain = SmtpNotifier("127.0.0.1", port, sender=SENDER)
        with pytest.raises(DeliveryFailed):
            plain.send("expert@example.org", "s", "b")
        secure = SmtpNotifier("127.0.0.1", port, sender=SENDER, starttls=True, ssl_context=client_context)
        secure.send("expert@example.org", "通知", "正文")
    assert inbox.tls == [True]


def test_smtp_notifier_reports_unreachable_server() -> None:
    notifier = SmtpNotifier("127.0.0.1", free_port(), sender=SENDER, timeout=2)
    with pytest.raises(DeliveryFailed, match="failed"):
        notifier.send("expert@example.org", "s", "b")


@pytest.mark.parametrize(
    ("to", "subject"),
    [("a@b.c\r\nBcc: x@y.z", "s"), ("not-an-address", "s"), ("a@b.c", "line\nBcc: x@y.z"), ("a@b.c", " ")],
)
def test_notifiers_refuse_header_injection_and_bad_addresses(to: str, subject: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        MemoryNotifier().send(to, subject, "b")
    with pytest.raises(ValueError):
        SmtpNotifier("127.0.0.1", 1, sender=SENDER).send(to, subject, "b")
    outbox = OutboxNotifier(tmp_path / "outbox", sender=SENDER)
    with pytest.raises(ValueError):
        outbox.send(to, subject, "b")
    assert outbox.messages() == []


def test_outbox_notifier_writes_whole_messages_and_reports_a_folder_it_cannot_write(tmp_path: Path) -> None:
    outbox = OutboxNotifier(tmp_path / "outbox", sender=SENDER)
    outbox.send("a@example.org", "评标邀请", "请报到。")
    outbox.send("b@example.org", "second", "2")
    first, second = (message_from_bytes(f.read_bytes(), policy=default) for f in outbox.messages())
    assert (first["To"], first["Subject"], first["From"]) == ("a@example.org", "评标邀请", SENDER)
    assert isinstance(first, EmailMessage) and first.get_content().strip() == "请报到。"
    assert second["To"] == "b@example.org"
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(DeliveryFailed, match="could not be written"):
        OutboxNotifier(blocked, sender=SENDER).send("a@example.org", "s", "b")


def test_smtp_notifier_refuses_password_without_starttls() -> None:
    with pytest.raises(ValueError, match="STARTTLS"):
        SmtpNotifier("127.0.0.1", 25, sender=SENDER, username="u", password="p")


def test_memory_notifier_keeps_messages_in_order() -> None:
    notifier = MemoryNotifier()
    notifier.send("a@example.org", "one", "1")
    notifier.send("b@example.org", "two", "2")
    notifier.send("a@example.org", "three", "3")
    assert [n.subject for n in notifier.sent] == ["one", "two", "three"]
    assert [n.body for n in notifier.to("a@example.org")] == ["1", "3"]
