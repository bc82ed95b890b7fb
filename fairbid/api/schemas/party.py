"""Schemas for sign-in, organisations and users."""

from __future__ import annotations

from pydantic import BaseModel, Field

from fairbid.domain.actor import Role

__all__ = ["MeOut", "OrganisationIn", "OrganisationOut", "TokenOut", "UserIn", "UserOut"]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str = Field(description="统一社会信用代码, 18 characters (GB 32100-2015)")
    region: str | None = Field(None, max_length=12, description="GB/T 2260 region code")


class OrganisationOut(BaseModel):
    id: str
    name: str
    credit_code: str
    region: str | None


class UserIn(BaseModel):
    username: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    display_name: str = Field(min_length=1, max_length=120)
    organisation_id: str | None = None


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: Role
    organisation_id: str | None


class MeOut(UserOut):
    pass
