"""Request bodies as pydantic models: FastAPI validates them (422 with the reason) and lists
them in the OpenAPI spec."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .events import KINDS

MAX_BATCH = 1000
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"

Kind = Literal[KINDS]  # type: ignore[valid-type]


class NewEvent(BaseModel):
    id: str = Field(min_length=1, max_length=64, examples=["shic2026"])
    config_toml: str = Field(max_length=1_000_000, description="the event file (TOML), as text")


class NewEnrolment(BaseModel):
    device_name: str = Field(min_length=1, max_length=100, examples=["报到处1"])
    valid_hours: float = Field(24, gt=0, le=24 * 14, description="how long the code works")


class Enrol(BaseModel):
    code: str = Field(min_length=1, max_length=40, examples=["K7Q2-9XPD"])
    device_id: str = Field(pattern=DEVICE_ID, examples=["3f9c0a1b2c4d"])
    device_name: str = Field("", max_length=100)


class RegistrantEdit(BaseModel):
    base_version: int = Field(description="the version the edit was based on")
    fields: dict = Field(min_length=1, examples=[{"name": "范俊杰"}])
    reason: str = Field("", max_length=500)


class OrganiserUndo(BaseModel):
    reason: str = Field("", max_length=500, examples=["scanned the wrong badge"])


class WireEvent(BaseModel):
    """A desk's LoggedEvent (checkin/model.py)."""

    model_config = ConfigDict(extra="ignore")  # seq / conflict echoed back are ignored

    uuid: str = Field(min_length=1, max_length=64)
    kind: Kind
    code: str | None = Field(None, max_length=64)
    station: str | None = Field(None, max_length=128)
    device_id: str = Field(min_length=1, max_length=100)
    operator: str | None = Field(None, max_length=200)
    wall_time: str = Field(min_length=10, max_length=40)
    # Checked per event (vetting.py), so one bad stamp is one rejected event, not a batch.
    hlc: str = Field(min_length=1, max_length=160)
    ref: str | None = Field(None, max_length=64)
    data: dict = Field(default_factory=dict)

    @field_validator("uuid", "code", "station", "device_id", "operator", "wall_time", "hlc",
                     "ref")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        """A NUL character is no text a desk writes (and PostgreSQL cannot store it)."""
        if value is not None and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class EventBatch(BaseModel):
    events: list[WireEvent] = Field(max_length=MAX_BATCH)
    unsent: int | None = Field(None, ge=0, le=10_000_000, description=(
        "events still in the desk's outbox after this batch (shown to an organiser who "
        "revokes the desk)"))
