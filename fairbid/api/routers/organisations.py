"""Organisations and accounts (managed by the trading centre)."""

from __future__ import annotations

from fastapi import APIRouter

from fairbid.api.deps import ActorDep, ClockDep, UowDep
from fairbid.api.schemas.party import OrganisationIn, OrganisationOut, UserIn, UserOut
from fairbid.services.parties.accounts import CreateUser, RegisterOrganisation, create_user, register_organisation

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["organisations"])


@router.post("/organisations", status_code=201, operation_id="register_organisation")
def register(body: OrganisationIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> OrganisationOut:
    """Register an organisation by its unified social credit code (checked by GB 32100-2015)."""
    org = register_organisation(
        RegisterOrganisation(body.name, body.credit_code, body.region), uow=uow, clock=clock, actor=actor
    )
    return OrganisationOut(id=org.id, name=org.name, credit_code=org.credit_code, region=org.region)


@router.post("/users", status_code=201, operation_id="create_user")
def add_user(body: UserIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> UserOut:
    """Create an account in one role."""
    user = create_user(
        CreateUser(body.username, body.password, body.role, body.display_name, body.organisation_id),
        uow=uow,
        clock=clock,
        actor=actor,
    )
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
    )
