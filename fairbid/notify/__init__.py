"""Notifications: a ``Notifier`` Protocol; SMTP, outbox-folder and in-memory implementations."""

from fairbid.notify.notifier import DeliveryFailed, MemoryNotifier, Notice, Notifier, OutboxNotifier, SmtpNotifier

__all__ = ["DeliveryFailed", "MemoryNotifier", "Notice", "Notifier", "OutboxNotifier", "SmtpNotifier"]
