"""Caseworker passwords and logins: argon2id hashes, and the failed-login limits.

Hashes: argon2-cffi's defaults (RFC 9106's low-memory profile). Only hashes are stored.
:func:`verify_password` also accepts ``None`` for "no such user" and then still runs one
argon2 verification, so a login's timing does not reveal whether a username exists.

Limits: :class:`LoginPolicy` says which failed-login counters an attempt belongs to,
:class:`LoginLimiter` keeps them (in memory, or in Redis for several gateway processes).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError
from limits import RateLimitItem
from limits import parse as parse_limit
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")

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


# Console login limits ---------------------------------------------------------------------
#
# Issue 13: counting failed logins per username alone lets a stranger lock a caseworker out
# (five wrong passwords for "ann" from anywhere refuse Ann's right one). Failures are counted
# per username *and* address (a guesser at one account is stopped after a few tries) and per
# address (one address trying many accounts is slowed down), never per username alone: the
# caseworker's correct password from another address always gets through.


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins a minute are allowed, per username and address, and per address."""

    per_user_and_address: int = 5
    per_address: int = 20

    def __post_init__(self) -> None:
        if self.per_user_and_address < 1 or self.per_address < 1:
            raise ValueError(f"unusable login policy {self!r}")

    def limits(self, username: str, address: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        """Each limit that applies to a login attempt, with the counter it is counted on.

        The username is stored as a hash (a typed username may be a password typed in the
        wrong field, and a username holds no separator that could make two counters one)."""
        user = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
        return [
            (parse_limit(f"{self.per_user_and_address}/minute"), ("user", user, address)),
            (parse_limit(f"{self.per_address}/minute"), ("address", address)),
        ]


class LoginLimiter:
    """Failed console logins under a :class:`LoginPolicy`: in this process's memory, or in
    Redis (``redis_url``), where every gateway process shares the counts. When Redis does not
    answer, this process's own counts are used, so logins neither stop nor go unlimited."""

    NAMESPACE = "huurhulp-login"

    def __init__(self, policy: LoginPolicy, redis_url: str = "") -> None:
        # limits 2.x holds only a weak reference to its storage: keep the strong ones here.
        self.memory = MemoryStorage()
        self._local = MovingWindowRateLimiter(self.memory)
        self.storage: Storage = storage_from_string(redis_url) if redis_url else self.memory
        self._shared = MovingWindowRateLimiter(self.storage) if redis_url else self._local
        self.policy = policy
        self._warned_at = 0.0

    def _run(self, call: Callable[[MovingWindowRateLimiter], T]) -> T:
        if self._shared is self._local:
            return call(self._local)
        try:
            return call(self._shared)
        except Exception as error:  # Redis away: count in this process for now
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning(
                    "login limiter: Redis failed (%s); counting in this process", type(error).__name__
                )
            return call(self._local)

    def allowed(self, username: str, address: str) -> bool:
        """Whether another attempt for ``username`` from ``address`` may be checked now."""
        limits = self.policy.limits(username, address)
        return self._run(
            lambda strategy: all(strategy.test(item, self.NAMESPACE, *key) for item, key in limits)
        )

    def failed(self, username: str, address: str) -> None:
        """Count a failed attempt on every counter it belongs to."""
        limits = self.policy.limits(username, address)
        self._run(lambda strategy: [strategy.hit(item, self.NAMESPACE, *key) for item, key in limits])

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until the limits that refuse this attempt let one through again (at least 1)."""

        def seconds(strategy: MovingWindowRateLimiter) -> int:
            now = time.time()
            waits = [
                reset - now
                for item, key in self.policy.limits(username, address)
                for reset, remaining in [strategy.get_window_stats(item, self.NAMESPACE, *key)]
                if remaining <= 0
            ]
            return max(1, int(max(waits, default=1) + 0.999))

        return self._run(seconds)
