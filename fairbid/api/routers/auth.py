"""Sign in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordRequestForm

from fairbid.api.deps import ActorDep, PlatformDep
from fairbid.api.schemas.party import MeOut, TokenOut
from fairbid.services.parties.accounts import SignIn, revoke_token, sign_in

__all__ = ["router"]

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/token", operation_id="sign_in")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, platform: PlatformDep) -> TokenOut:
    """Exchange a user name and password for an expiring bearer token."""
    source = request.client.host if request.client else None  # behind a proxy: run uvicorn with --proxy-headers
    issued = sign_in(
        SignIn(form.username, form.password, source=source),
        uow=platform.uow(),
        clock=platform.clock,
        random=platform.random,
    )
    return TokenOut(access_token=issued.token, expires_in=issued.expires_in)


@router.post("/logout", status_code=204, operation_id="sign_out")
def logout(
    actor: ActorDep,
    platform: PlatformDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))],
) -> None:
    """Revoke the token this request carries."""
    if creds is not None:
        revoke_token(creds.credentials, uow=platform.uow(), clock=platform.clock)


@router.get("/me", operation_id="who_am_i")
def me(actor: ActorDep, platform: PlatformDep, request: Request) -> MeOut:
    """The signed-in account."""
    with platform.uow() as uow:
        user = uow.users.get(actor.user_id or "")
    return MeOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
    )
