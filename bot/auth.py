"""Caseworker passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile).

Only hashes are stored. :func:`verify_password` also accepts ``None`` for "no such user"
and then still runs one argon2 verification, so a login's timing does not reveal
whether a username exists.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

#: Shortest password a caseworker may choose (length beats composition rules, NIST SP 800-63B).
MIN_PASSWORD_LENGTH = 12
#: Longest accepted password: argon2 hashes anything, but a megabyte-long "password" is abuse.
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()
# Verified against when the username is unknown, to spend the same time as a real check.
_DUMMY_HASH = _hasher.hash("huurhulp: no such caseworker")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; the parameters are part of the string)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for a malformed or missing hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (Argon2Error, InvalidHashError):  # mismatch, or not an argon2 hash at all
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones (rehash on login)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def validate_new_password(password: str) -> None:
    """Raise ValueError with a message fit for the user if ``password`` may not be chosen."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            f"(it has {len(password)}). A few unrelated words make a strong one."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters.")
    if not password.strip():
        raise ValueError("The password cannot consist of spaces only.")
    if len(set(password)) == 1:
        raise ValueError("The password cannot repeat a single character.")
