"""Identifier factories shaped like Meta's: numeric PSIDs, `m_` message ids, fbtrace ids."""

from __future__ import annotations

import base64
import secrets
import string

_TRACE_ALPHABET = string.ascii_letters + string.digits + "_-"


def new_psid() -> str:
    """A 16-digit page-scoped id (real PSIDs are 15-17 digit numeric strings)."""
    return str(secrets.randbelow(9 * 10**15) + 10**15)


def new_mid() -> str:
    """A modern message id (`m_` + url-safe base64, as in current webhook captures)."""
    return "m_" + base64.urlsafe_b64encode(secrets.token_bytes(33)).decode("ascii").rstrip("=")


def new_fbtrace_id() -> str:
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


def new_object_id() -> str:
    """Ids for personas, attachments and similar Graph objects."""
    return str(secrets.randbelow(9 * 10**15) + 10**15)
