"""``fairbid bidder``: the bidder's own tool (投标工具): keys, sealing, submission, status, decryption.

Usual order: ``keygen``, ``register-key``, ``seal``, ``submit`` (and ``verify-receipt``), ``status``,
then ``decrypt`` during the opening's decryption window.

Exit codes: 0 ok, 1 refused or a failed check (bad signature, wrong passphrase, platform refusal),
2 bad input (unreadable file, invalid bid form). ``--format json`` prints one JSON object on stdout.
The passphrase comes from ``FAIRBID_PASSPHRASE`` or a prompt; the server, user and password from
``--server``/``--username``/``--password`` or ``FAIRBID_SERVER``/``FAIRBID_USERNAME``/``FAIRBID_PASSWORD``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from fairbid.bidder import (
    PlatformClient,
    content_key_for,
    create_key_file,
    file_digest,
    load_private_key,
    load_public_key,
    seal_bid,
)
from fairbid.crypto import PublicKey, SignedReceipt, Suite, verify_receipt
from fairbid.domain.errors import CryptoFailure, FairbidError, InvalidInput

__all__ = ["app"]

app = typer.Typer(help="The bidder's tool: keys, sealing, submission and the online opening.", no_args_is_help=True)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="text for people, json for machines.")]
KeyOpt = Annotated[Path, typer.Option("--key", help="The key file made by `keygen`.")]
SectionOpt = Annotated[str, typer.Option("--section", help="The tender section (标段) ID.")]
ServerOpt = Annotated[str, typer.Option("--server", envvar="FAIRBID_SERVER", help="Platform base URL.")]
UserOpt = Annotated[str, typer.Option("--username", envvar="FAIRBID_USERNAME", help="Bidder account.")]
PasswordOpt = Annotated[
    str, typer.Option("--password", envvar="FAIRBID_PASSWORD", prompt=True, hide_input=True, help="Password.")
]


def _passphrase(*, confirm: bool = False) -> str:
    from_env = os.environ.get("FAIRBID_PASSPHRASE")
    if from_env:
        return from_env
    value: str = typer.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)
    return value


def _emit(fmt: OutputFormat, value: dict[str, Any]) -> None:
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
    else:
        for name, item in value.items():
            shown = item if isinstance(item, str | int) else json.dumps(item, ensure_ascii=False)
            typer.echo(f"{name}: {shown}")


def _fail(code: int, title: str, detail: str, fmt: OutputFormat) -> NoReturn:
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps({"error": title, "detail": detail}, ensure_ascii=False))
    else:
        typer.echo(f"error: {title}: {detail}" if detail != title else f"error: {title}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors(fmt: OutputFormat) -> Iterator[None]:
    """Map Fairbid errors to exit codes: bad input 2, everything refused or failed 1."""
    try:
        yield
    except InvalidInput as exc:
        _fail(2, exc.title, exc.detail, fmt)
    except (OSError, ValueError) as exc:
        _fail(2, "Bad input", str(exc), fmt)
    except (CryptoFailure, FairbidError) as exc:
        _fail(1, exc.title, exc.detail, fmt)


def _client(server: str, username: str, password: str) -> PlatformClient:
    client = PlatformClient(server)
    client.login(username, password)
    return client


def _with_client(server: str, username: str, password: str, action: Callable[[PlatformClient], Any]) -> Any:
    with _client(server, username, password) as client:
        return action(client)


@app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key file.")],
    suite: Annotated[Suite, typer.Option("--suite", help="gm (SM2, default) or intl (Ed25519/X25519).")] = Suite.GM,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Generate a key pair; the private key is stored encrypted under a passphrase."""
    with _errors(fmt):
        public = create_key_file(out, _passphrase(confirm=True), suite=suite)
        _emit(fmt, {"key_file": str(out), "public_key": public.to_text(), "key_id": public.key_id})


@app.command("register-key")
def register_key(
    key: KeyOpt,
    server: ServerOpt,
    username: UserOpt,
    password: PasswordOpt,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Bind the key file's public key to your organisation on the platform (no passphrase needed)."""
    with _errors(fmt):
        public = load_public_key(key)
        key_id = _with_client(server, username, password, lambda c: c.register_key(public))
        _emit(fmt, {"public_key": public.to_text(), "key_id": key_id})


@app.command()
def seal(
    form: Annotated[Path, typer.Argument(help="Bid form JSON (投标函/开标一览表).")],
    section: SectionOpt,
    bidder: Annotated[str, typer.Option("--bidder", help="Your bidder ID on the platform.")],
    key: KeyOpt,
    out: Annotated[Path, typer.Option("--out", help="The envelope file to write.")],
    attachments: Annotated[list[Path] | None, typer.Argument(help="Attachment files.")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Seal a bid: compress, encrypt, wrap the key to your own key, sign, write one envelope file."""
    with _errors(fmt):
        private_key = load_private_key(key, _passphrase())
        sealed = seal_bid(
            form,
            list(attachments or []),
            out_path=out,
            section_id=section,
            bidder_id=bidder,
            private_key=private_key,
            now=datetime.now(UTC),
        )
        _emit(
            fmt,
            {
                "envelope": str(out),
                "envelope_sm3": sealed.envelope_sm3,
                "size": sealed.size,
                "machine_fingerprint": sealed.header.machine_fingerprint,
            },
        )


@app.command()
def submit(
    envelope: Annotated[Path, typer.Argument(help="The sealed envelope file.")],
    section: SectionOpt,
    server: ServerOpt,
    username: UserOpt,
    password: PasswordOpt,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Upload a sealed envelope; checks and saves the platform's signed receipt next to it."""
    with _errors(fmt):
        result = _with_client(server, username, password, lambda c: c.submit(section, envelope))
        receipt_path = envelope.with_name(envelope.name + ".receipt.json")
        receipt_path.write_text(json.dumps(result.receipt.to_json(), ensure_ascii=False, indent=2) + "\n")
        _emit(fmt, {"receipt_file": str(receipt_path), **result.receipt.to_json()})


@app.command()
def status(
    section: SectionOpt,
    server: ServerOpt,
    username: UserOpt,
    password: PasswordOpt,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Show your own bid in a section: status, envelope digest, receipt."""
    with _errors(fmt):
        _emit(fmt, _with_client(server, username, password, lambda c: c.status(section)))


@app.command()
def withdraw(
    section: SectionOpt,
    server: ServerOpt,
    username: UserOpt,
    password: PasswordOpt,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Withdraw your bid before the deadline (撤回投标); the platform records it."""
    with _errors(fmt):
        _with_client(server, username, password, lambda c: c.withdraw(section))
        _emit(fmt, {"section_id": section, "withdrawn": "yes"})


@app.command()
def decrypt(
    envelope: Annotated[Path, typer.Argument(help="Your sealed envelope file.")],
    section: SectionOpt,
    key: KeyOpt,
    server: ServerOpt,
    username: UserOpt,
    password: PasswordOpt,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """At the opening: unwrap your content key and hand it to the platform (在线解密)."""
    with _errors(fmt):
        content_key = content_key_for(envelope, load_private_key(key, _passphrase()))
        _emit(fmt, _with_client(server, username, password, lambda c: c.decrypt(section, content_key)))


@app.command("verify-receipt")
def verify_receipt_command(
    receipt: Annotated[Path, typer.Argument(help="The receipt JSON saved by `submit`.")],
    envelope: Annotated[Path | None, typer.Option("--envelope", help="Also check it names this file.")] = None,
    platform_key: Annotated[
        str | None,
        typer.Option("--platform-key", help="The platform key as gm:04… (else asked from --server)."),
    ] = None,
    server: Annotated[str | None, typer.Option("--server", envvar="FAIRBID_SERVER")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Verify a receipt's platform signature, and optionally that it names your envelope file."""
    with _errors(fmt):
        signed = SignedReceipt.from_json(json.loads(receipt.read_text(encoding="utf-8")))
        if platform_key is not None:
            public = PublicKey.from_text(platform_key)
        elif server is not None:
            with PlatformClient(server) as client:
                public = client.platform_key().public_key
        else:
            raise InvalidInput("Give --platform-key or --server.")
        verify_receipt(public, signed)
        if envelope is not None and file_digest(envelope) != signed.fields.envelope_sm3:
            _fail(1, "Receipt mismatch", "The receipt names another envelope.", fmt)
        _emit(fmt, {"valid": "yes", **signed.fields.to_dict()})
