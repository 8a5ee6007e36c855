"""Caseworker passwords: argon2id hashing, verification, rehash checks, the length rule."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.auth import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
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
