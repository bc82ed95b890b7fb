"""Typed dependencies: the platform, the unit of work, the clock and the acting user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fairbid.bootstrap import Platform
from fairbid.domain.actor import ANONYMOUS_PUBLIC, Actor
from fairbid.domain.errors import NotAuthenticated
from fairbid.ports import Clock
from fairbid.services.parties.accounts import authenticate
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["ActorDep", "ClockDep", "OptionalActorDep", "PlatformDep", "UowDep"]

_bearer = HTTPBearer(auto_error=False)


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(_platform)]


def _uow(platform: PlatformDep) -> SqlUnitOfWork:
    return platform.uow()


def _clock(platform: PlatformDep) -> Clock:
    return platform.clock


UowDep = Annotated[SqlUnitOfWork, Depends(_uow)]
ClockDep = Annotated[Clock, Depends(_clock)]


def _optional_actor(
    platform: PlatformDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if creds is None:
        return ANONYMOUS_PUBLIC
    return authenticate(creds.credentials, uow=platform.uow(), clock=platform.clock).as_actor()


def _actor(actor: Annotated[Actor, Depends(_optional_actor)]) -> Actor:
    if actor is ANONYMOUS_PUBLIC:
        raise NotAuthenticated("Sign in first: send `Authorization: Bearer <token>` from POST /api/auth/token.")
    return actor


OptionalActorDep = Annotated[Actor, Depends(_optional_actor)]
ActorDep = Annotated[Actor, Depends(_actor)]
