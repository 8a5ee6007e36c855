"""Caseworker passwords (argon2id hashing, verification, rehash checks, the length rule) and the
console login limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from bot.auth import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    LoginLimiter,
    LoginPolicy,
    hash_password,
    needs_rehash,
    validate_new_password,
    verify_password,
)


def test_hash_and_verify() -> None:
    password = "paard batterij nietje correct"
    hashed = hash_password(password)
    assert hashed.startswith("$argon2id$")
    assert password not in hashed
    assert hash_password(password) != hashed  # salted
    assert verify_password(hashed, password)
    assert not verify_password(hashed, password + " ")
    assert not verify_password(hashed, "")


def test_missing_or_malformed_hashes_never_verify() -> None:
    assert not verify_password(None, "huurhulp: no such caseworker")  # the dummy's own password
    assert not verify_password(None, "anything at all")
    assert not verify_password("", "anything at all")
    assert not verify_password("not a hash", "not a hash")
    assert not verify_password("$2b$12$abcdefghijklmnopqrstuv", "bcrypt is not accepted")


def test_needs_rehash() -> None:
    assert not needs_rehash(hash_password("een lang genoeg wachtwoord"))
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("een lang genoeg wachtwoord")
    assert verify_password(weak, "een lang genoeg wachtwoord")  # old hashes still log in...
    assert needs_rehash(weak)  # ...and are then upgraded
    assert needs_rehash("not a hash")


def test_validate_new_password() -> None:
    assert MIN_PASSWORD_LENGTH == 12
    validate_new_password("a" * 11 + "b")
    validate_new_password("drie losse woorden")
    with pytest.raises(ValueError, match="at least 12 characters"):
        validate_new_password("kort")
    with pytest.raises(ValueError, match="at least 12 characters"):
        validate_new_password("elf tekens!")  # 11
    with pytest.raises(ValueError, match="spaces only"):
        validate_new_password(" " * 20)
    with pytest.raises(ValueError, match="single character"):
        validate_new_password("a" * 20)
    with pytest.raises(ValueError, match="too long"):
        validate_new_password("ab" * MAX_PASSWORD_LENGTH)


# Console login limits (issue 13: no lock-out by a stranger; issue 12: shared through Redis) ------


def _fail(limiter: LoginLimiter, username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert limiter.allowed(username, address)
        limiter.failed(username, address)


def test_wrong_passwords_for_a_caseworker_refuse_that_address_only() -> None:
    limiter = LoginLimiter(LoginPolicy(per_user_and_address=5, per_address=20))
    _fail(limiter, "ann", "203.0.113.7", 5)
    assert not limiter.allowed("ann", "203.0.113.7")  # even Ann's right password waits here
    assert not limiter.allowed("ANN", "203.0.113.7")  # usernames compare case-insensitively
    assert limiter.allowed("ann", "198.51.100.4")  # Ann at her office is not locked out
    assert limiter.allowed("bob", "203.0.113.7")  # nor are colleagues behind the same address
    assert 1 <= limiter.retry_after("ann", "203.0.113.7") <= 60
    assert limiter.retry_after("ann", "198.51.100.4") == 1  # nothing refuses it: "try now"


def test_one_address_trying_many_accounts_is_slowed_down() -> None:
    limiter = LoginLimiter(LoginPolicy(per_user_and_address=5, per_address=20))
    for index in range(20):
        _fail(limiter, f"user{index}", "203.0.113.7", 1)
    assert not limiter.allowed("someone-else", "203.0.113.7")
    assert limiter.allowed("someone-else", "198.51.100.4")


def test_counters_never_collide_through_separators() -> None:
    policy = LoginPolicy()
    (_, first), _ = policy.limits("a/b", "c")
    (_, second), _ = policy.limits("a", "b/c")
    assert first != second
    assert all("a/b" not in part for part in first)  # the username is kept as a hash only


def test_unusable_login_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        LoginPolicy(per_user_and_address=0)


def test_the_settings_feed_the_gateways_limiter(tmp_path: Path) -> None:
    from bot.app import create_app
    from bot.settings import Settings

    settings = Settings(
        var_dir=tmp_path,
        rasa_token="t",
        login_attempts_per_minute=3,
        login_attempts_per_address_per_minute=7,
    )
    limiter = create_app(settings).state.gateway.login_limiter
    assert limiter.policy == LoginPolicy(per_user_and_address=3, per_address=7)


@pytest.mark.redis
def test_gateway_processes_share_the_counts_in_redis(redis_url: str) -> None:
    import uuid

    address = f"192.0.2.{uuid.uuid4().int % 250}"
    user = f"ann-{uuid.uuid4().hex[:8]}"
    one, two = (LoginLimiter(LoginPolicy(3, 20), redis_url) for _ in range(2))
    _fail(one, user, address, 3)
    assert not two.allowed(user, address)  # counted in the other "process"
    assert two.allowed(user, "192.0.2.251")


def test_without_redis_the_process_counts_itself() -> None:
    limiter = LoginLimiter(LoginPolicy(2, 20), "redis://127.0.0.1:1/0")  # nothing listens there
    _fail(limiter, "ann", "192.0.2.1", 2)
    assert not limiter.allowed("ann", "192.0.2.1")
    assert limiter.allowed("ann", "192.0.2.2")
