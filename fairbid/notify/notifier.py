"""Notifications (通知): invitations to drawn experts, reminders, notices. One Protocol, two adapters.

``SmtpNotifier`` sends through any SMTP server with the standard library (optionally STARTTLS and login);
``OutboxNotifier`` writes each message as an ``.eml`` file to a folder (the embedded default, no server needed:
an operator or a mail relay picks them up); ``MemoryNotifier`` keeps messages in a list for tests and the demo.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

__all__ = ["DeliveryFailed", "MemoryNotifier", "Notice", "Notifier", "OutboxNotifier", "SmtpNotifier"]


class DeliveryFailed(Exception):
    """Raised when the mail server refused the message or could not be reached (an infrastructure failure)."""


class Notifier(Protocol):
    """Sends one message to one address. Implementations raise ``DeliveryFailed`` on failure."""

    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Notice:
    """A message as sent."""

    to: str
    subject: str
    body: str


def _check_header(name: str, value: str) -> None:
    # a CR or LF in a header would let the caller inject headers or recipients
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must be a single line")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")


def _check_address(to: str) -> None:
    _check_header("to", to)
    local, at, domain = to.partition("@")
    if not at or not local or not domain or " " in to:
        raise ValueError(f"{to!r} is not an e-mail address")


class MemoryNotifier:
    """Keeps every message in ``sent``, in order."""

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def send(self, to: str, subject: str, body: str) -> None:
        """Record the message (with the same checks as the SMTP notifier)."""
        _check_address(to)
        _check_header("subject", subject)
        self.sent.append(Notice(to, subject, body))

    def to(self, address: str) -> list[Notice]:
        """Messages sent to ``address``."""
        return [n for n in self.sent if n.to == address]


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.partition("@")[2])
    message.set_content(body, charset="utf-8")
    return message


class OutboxNotifier:
    """Writes each message, complete with headers, as ``<folder>/<time>-<id>.eml`` (written whole, then renamed)."""

    def __init__(self, folder: Path, *, sender: str) -> None:
        _check_address(sender)
        self.folder = folder
        self.sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        """Write the message; raise ``DeliveryFailed`` if the folder cannot take it."""
        _check_address(to)
        _check_header("subject", subject)
        data = bytes(_message(self.sender, to, subject, body))
        target = self.folder / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"  # sorts by time written
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(target)  # a relay never sees half a message
        except OSError as error:
            raise DeliveryFailed(f"mail to {to} could not be written to {self.folder}: {error}") from error

    def messages(self) -> list[Path]:
        """The messages written so far, oldest first."""
        return sorted(self.folder.glob("*.eml")) if self.folder.exists() else []


class SmtpNotifier:
    """Sends plain-text UTF-8 mail through an SMTP server.

    >>> SmtpNotifier("smtp.example.org", 587, sender="noreply@example.org", starttls=True)  # doctest: +SKIP
    """

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        _check_address(sender)
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        if username is not None and not starttls:
            raise ValueError("refusing to send a password without STARTTLS")
        self.host = host
        self.port = port
        self.sender = sender
        self.starttls = starttls
        self._username = username
        self._password = password
        self.timeout = timeout
        self._context = ssl_context

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one message; raise ``DeliveryFailed`` if the server refuses it or cannot be reached."""
        _check_address(to)
        _check_header("subject", subject)
        message = _message(self.sender, to, subject, body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                client.ehlo()
                if self.starttls:
                    client.starttls(context=self._context or ssl.create_default_context())
                    client.ehlo()
                if self._username is not None and self._password is not None:
                    client.login(self._username, self._password)
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"mail to {to} via {self.host}:{self.port} failed: {error}") from error
        if refused:
            raise DeliveryFailed(f"the server refused {', '.join(refused)}")
