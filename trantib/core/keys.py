"""Secrets handed out once (API tokens, Open311 keys) are stored only as their digest."""

from __future__ import annotations

import hashlib
import secrets


def key_digest(key: str) -> str:
    """The SHA-256 of a token or key, hex. Any string is accepted (a lone surrogate too: a
    forged header must be refused by lookup, not crash the digest)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_new(nbytes: int = 32) -> str:
    """A new URL-safe secret."""
    return secrets.token_urlsafe(nbytes)
