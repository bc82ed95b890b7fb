"""The bidder's own tool (投标工具), run on the bidder's machine: keys, sealing, the machine fingerprint, and
the platform client for submitting, checking status, decrypting at the opening and verifying receipts.
"""

from fairbid.bidder.client import PlatformClient, PlatformKey, PlatformRefused, SubmitResult, file_digest
from fairbid.bidder.keyfile import create_key_file, load_private_key, load_public_key
from fairbid.bidder.machine import DEFAULT_FINGERPRINT_SALT, machine_fingerprint, machine_identifiers
from fairbid.bidder.seal import TOOL_VERSION, content_key_for, read_form, seal_bid

__all__ = [
    "DEFAULT_FINGERPRINT_SALT",
    "TOOL_VERSION",
    "PlatformClient",
    "PlatformKey",
    "PlatformRefused",
    "SubmitResult",
    "content_key_for",
    "create_key_file",
    "file_digest",
    "load_private_key",
    "load_public_key",
    "machine_fingerprint",
    "machine_identifiers",
    "read_form",
    "seal_bid",
]
