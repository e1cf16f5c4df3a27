"""The optional ``security:`` section of ``techfile.yaml``: vulnerability disclosure and support.

It holds what ``techfile security docs`` needs to write the coordinated vulnerability
disclosure policy, the RFC 9116 ``security.txt`` and the support-period statement:

* ``contact``: where to report vulnerabilities (``mailto:``, ``https://`` or ``tel:`` URIs,
  RFC 9116 §2.5.3); ``policy``, ``advisories``: where the policy and the security advisories
  are published; ``preferred_languages``: RFC 5646 language tags (§2.5.8);
* ``security_txt``: ``expires`` (§2.5.5, required) and the optional ``canonical``,
  ``encryption``, ``acknowledgments`` and ``hiring`` URIs;
* ``support_end``: the last day the manufacturer provides security updates for the device;
* ``response``: the commitments of the disclosure policy, in days: ``acknowledge_days``,
  ``assessment_days``, ``fix_days`` per CVSS v3.1 severity and ``disclosure_days``;
* ``safe_harbour``: whether good-faith research under the policy is welcome without legal
  action.

Rules enforced (located errors): unknown keys are refused; web URIs use ``https://`` (RFC
9116 §2.5); a contact is a ``mailto:``, ``https://`` or ``tel:`` URI; a time without an
offset is UTC; the assessment does not come before the acknowledgement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

__all__ = [
    "ResponseTimes",
    "SecurityConfig",
    "SecurityModel",
    "SecurityTxtConfig",
    "Severity",
    "security_from_model",
]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_EMAIL = re.compile(r"^mailto:[^@\s/]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^tel:\+?[0-9][0-9().\- ]{2,30}$")
_MAX_DAYS = 3650


class Severity(StrEnum):
    """CVSS v3.1 qualitative severity ratings."""

    CRITICAL = "critical"
    """CVSS 9.0-10.0."""
    HIGH = "high"
    """CVSS 7.0-8.9."""
    MEDIUM = "medium"
    """CVSS 4.0-6.9."""
    LOW = "low"
    """CVSS 0.1-3.9."""


def _https(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        msg = f"an https:// URI (RFC 9116 §2.5), found {value!r}"
        raise ValueError(msg)
    return value


def _contact(value: str) -> str:
    if value.startswith("https:"):
        return _https(value)
    if _EMAIL.match(value) or _PHONE.match(value):
        return value
    msg = f"a mailto:, https:// or tel: URI (RFC 9116 §2.5.3), found {value!r}"
    raise ValueError(msg)


def _encryption(value: str) -> str:
    if value.startswith(("openpgp4fpr:", "dns:")):
        return value
    return _https(value)


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        msg = f"an RFC 5646 language tag such as 'en' or 'de-AT', found {value!r}"
        raise ValueError(msg)
    return value


def _utc(value: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0)


HttpsUri = Annotated[str, AfterValidator(_https)]
ContactUri = Annotated[str, AfterValidator(_contact)]
EncryptionUri = Annotated[str, AfterValidator(_encryption)]
LanguageTag = Annotated[str, AfterValidator(_language)]
Days = Annotated[int, Field(ge=1, le=_MAX_DAYS, strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecurityTxtModel(_Model):
    """``security.security_txt``: the fields of RFC 9116 besides Contact and Policy."""

    expires: Annotated[dt.datetime | dt.date, AfterValidator(_utc)] = Field(
        description="RFC 9116 Expires; a date means 00:00 UTC that day. Keep it within a year."
    )
    canonical: list[HttpsUri] = Field(default_factory=list)
    encryption: list[EncryptionUri] = Field(default_factory=list)
    acknowledgments: list[HttpsUri] = Field(default_factory=list)
    hiring: list[HttpsUri] = Field(default_factory=list)


class ResponseModel(_Model):
    """``security.response``: the disclosure policy's commitments, in days."""

    acknowledge_days: Days = Field(description="Days to acknowledge a report.")
    assessment_days: Days = Field(description="Days to an initial assessment of a report.")
    fix_days: dict[Severity, Days] = Field(
        default_factory=dict, description="Target days to a fix or mitigation, by severity."
    )
    disclosure_days: Days | None = Field(
        default=None, description="Days after a report by which disclosure is coordinated."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ResponseModel:
        if self.assessment_days < self.acknowledge_days:
            msg = "assessment_days at least acknowledge_days (a report is acknowledged first)"
            raise ValueError(msg)
        return self


class SecurityModel(_Model):
    """``security:``: disclosure contacts and commitments, and the support period."""

    contact: list[ContactUri] = Field(min_length=1)
    policy: HttpsUri | None = Field(default=None, description="Where the policy is published.")
    advisories: HttpsUri | None = Field(
        default=None, description="Where security advisories are published."
    )
    preferred_languages: list[LanguageTag] = Field(default_factory=list)
    security_txt: SecurityTxtModel
    support_end: dt.date = Field(description="Last day of security updates for the device.")
    response: ResponseModel
    safe_harbour: StrictBool = False


@dataclass(frozen=True, slots=True)
class SecurityTxtConfig:
    """The RFC 9116 fields besides Contact, Policy and Preferred-Languages."""

    expires: dt.datetime
    """Expires (UTC)."""
    canonical: tuple[str, ...] = ()
    """Canonical URIs of the file."""
    encryption: tuple[str, ...] = ()
    """Encryption key URIs."""
    acknowledgments: tuple[str, ...] = ()
    """Acknowledgments page URIs."""
    hiring: tuple[str, ...] = ()
    """Security job URIs."""


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """The disclosure policy's commitments, in days."""

    acknowledge_days: int
    """To acknowledge a report."""
    assessment_days: int
    """To an initial assessment."""
    fix_days: Mapping[Severity, int] = field(default_factory=dict)
    """Target to a fix or mitigation, by severity."""
    disclosure_days: int | None = None
    """By which disclosure is coordinated, if committed."""


@dataclass(frozen=True, slots=True)
class SecurityConfig:
    """The ``security:`` section as domain values."""

    contact: tuple[str, ...]
    """Contact URIs, in order of preference."""
    security_txt: SecurityTxtConfig
    """The other security.txt fields."""
    support_end: dt.date
    """Last day of security updates for the device."""
    response: ResponseTimes
    """The policy's commitments."""
    policy: str | None = None
    """Where the policy is published."""
    advisories: str | None = None
    """Where security advisories are published."""
    preferred_languages: tuple[str, ...] = ()
    """Languages for reports, most preferred first."""
    safe_harbour: bool = False
    """Good-faith research is welcome without legal action."""


def security_from_model(model: SecurityModel) -> SecurityConfig:
    """Turn the validated section into its domain value."""
    txt = model.security_txt
    response = model.response
    order = list(Severity)
    return SecurityConfig(
        tuple(model.contact),
        SecurityTxtConfig(
            _utc(txt.expires),
            tuple(txt.canonical),
            tuple(txt.encryption),
            tuple(txt.acknowledgments),
            tuple(txt.hiring),
        ),
        model.support_end,
        ResponseTimes(
            response.acknowledge_days,
            response.assessment_days,
            dict(sorted(response.fix_days.items(), key=lambda kv: order.index(kv[0]))),
            response.disclosure_days,
        ),
        model.policy,
        model.advisories,
        tuple(model.preferred_languages),
        model.safe_harbour,
    )
