"""Notifications: a ``Notifier`` Protocol, an SMTP implementation and an in-memory one."""

from fairbid.notify.notifier import DeliveryFailed, MemoryNotifier, Notice, Notifier, SmtpNotifier

__all__ = ["DeliveryFailed", "MemoryNotifier", "Notice", "Notifier", "SmtpNotifier"]
