"""The authoring machine's identifiers and fingerprint (机器指纹), collected on the bidder's own machine.

Only the salted digest leaves the machine. The salt is one public, platform-wide value, so the same
machine yields the same fingerprint for different bidders: that equality is what the collusion checks
(不同投标人的投标文件由同一台电脑编制) look for.
"""

from __future__ import annotations

import platform
import uuid
from collections.abc import Mapping
from pathlib import Path

from fairbid.crypto import fingerprint

__all__ = ["DEFAULT_FINGERPRINT_SALT", "machine_fingerprint", "machine_identifiers"]

DEFAULT_FINGERPRINT_SALT = b"fairbid/machine-fingerprint/v1"
_MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
_CPUINFO = Path("/proc/cpuinfo")


def _mac_address() -> str | None:
    node = uuid.getnode()
    if (node >> 40) & 0x01:  # multicast bit set: uuid made the number up, there is no real MAC
        return None
    return ":".join(f"{(node >> shift) & 0xFF:02x}" for shift in range(40, -8, -8))


def _first_line(paths: tuple[Path, ...]) -> str | None:
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if text:
            return text.splitlines()[0]
    return None


def _cpu_model(cpuinfo: Path) -> str | None:
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in {"model name", "Hardware", "Processor"} and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or None


def machine_identifiers(
    *, machine_id_files: tuple[Path, ...] = _MACHINE_ID_FILES, cpuinfo: Path = _CPUINFO
) -> dict[str, str]:
    """What identifies this machine: MAC address, OS machine ID, CPU model, OS (whichever exist)."""
    found = {
        "mac": _mac_address(),
        "machine_id": _first_line(machine_id_files),
        "cpu": _cpu_model(cpuinfo),
        "os": f"{platform.system()} {platform.machine()}",
    }
    return {name: value for name, value in found.items() if value}


def machine_fingerprint(salt: bytes = DEFAULT_FINGERPRINT_SALT, *, identifiers: Mapping[str, str] | None = None) -> str:
    """HMAC-SM3 of this machine's identifiers under the platform-wide salt; 64 hex digits."""
    return fingerprint(salt, machine_identifiers() if identifiers is None else identifiers)
