"""The platform's public receipt-signing key, so bidders can verify receipts offline."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fairbid.api.deps import PlatformDep

__all__ = ["router"]

router = APIRouter(prefix="/api/platform", tags=["platform"])


class PlatformKeyOut(BaseModel):
    suite: str
    public_key: str
    key_id: str


@router.get("/key", operation_id="platform_key")
def key(platform: PlatformDep) -> PlatformKeyOut:
    """The public key that signs receipts and (later) ledger heads."""
    public = platform.platform_key.public
    return PlatformKeyOut(suite=public.suite.value, public_key=public.to_text(), key_id=public.key_id)
