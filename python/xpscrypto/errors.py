"""Exceptions of xpscrypto, one class per status category of the C ABI.

Every exception carries the stable numeric ``status`` (identical in C, Rust, Python and Node),
its symbolic ``name`` (``"XPS_E_AUTHENTICATION_FAILED"``) and a human ``detail``. Messages never
contain key material.

=========  =========================  ======================================
category   class                      statuses
=========  =========================  ======================================
1xx        InvalidInputError          misuse: lengths, unknown algorithm, …
2xx        AuthenticationError        tag/signature mismatch, weak public key
3xx        PolicyError                refused by policy
4xx        ResourceError              randomness, memory, mlock
5xx        PatchError                 dispatch / hot-patch
6xx        InternalError              SelfTestError (601), panics, internal
=========  =========================  ======================================
"""

from __future__ import annotations

__all__ = [
    "Error",
    "InvalidInputError",
    "AuthenticationError",
    "PolicyError",
    "ResourceError",
    "PatchError",
    "InternalError",
    "SelfTestError",
]


class Error(Exception):
    """Base class of every xpscrypto error."""

    status: int
    name: str
    detail: str

    def __init__(self, detail: str, status: int = 603, name: str = "XPS_E_INTERNAL") -> None:
        super().__init__(f"{name}: {detail}")
        self.status = status
        self.name = name
        self.detail = detail

    @property
    def category(self) -> int:
        """``status // 100``."""
        return self.status // 100


class InvalidInputError(Error, ValueError):
    """Misuse (1xx): wrong lengths, unknown algorithms, parameters out of range, bad state."""


class AuthenticationError(Error):
    """Cryptographic failure (2xx): a tag or signature did not verify, or a public key is weak.

    Nothing is returned when this is raised."""


class PolicyError(Error):
    """Refused by policy (3xx)."""


class ResourceError(Error):
    """The environment failed (4xx): randomness, memory, mlock."""


class PatchError(Error):
    """Dispatch or hot-patch failure (5xx): unknown op or kernel, kernel unavailable, a hot-patch
    refused at a pipeline step (``patch_step_name(e.status)`` names it), nothing to roll back."""


class InternalError(Error):
    """Internal failure (6xx). Please report it."""


class SelfTestError(InternalError):
    """A power-on or post-patch self-test failed (601): the library refuses to operate."""


_BY_CATEGORY: dict[int, type[Error]] = {
    1: InvalidInputError,
    2: AuthenticationError,
    3: PolicyError,
    4: ResourceError,
    5: PatchError,
    6: InternalError,
}
_BY_STATUS: dict[int, type[Error]] = {601: SelfTestError}


def error_class(status: int) -> type[Error]:
    """The exception class raised for a status code."""
    return _BY_STATUS.get(status) or _BY_CATEGORY.get(status // 100, Error)


def _from_status(status: int, name: str, detail: str) -> Error:
    """Called by the native module to build the exception for a failed call."""
    return error_class(status)(detail, status, name)
