"""Inbox accounts: names and hashed passwords (werkzeug.security), and who is signed in."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from rumours.reports.database import Database
from rumours.reports.models import MAX_NAME_CHARS, User

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
NAME_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._@-]{{0,{MAX_NAME_CHARS - 1}}}$")


class AccountError(ValueError):
    """An account that cannot be created or changed as asked."""


@dataclass(frozen=True)
class Account:
    """A signed-in member of the team: the name, and a key that changes with the password."""

    name: str
    key: str


def check_password(password: str) -> None:
    """Refuse passwords too short (or absurdly long) to be used for the inbox."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"the password can have at most {MAX_PASSWORD_CHARS} characters")


@cache
def _decoy_hash() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    return generate_password_hash("not a password of anyone")


def session_key(secret: str, password_hash: str) -> str:
    """What a session stores to stay valid only until the password changes."""
    return hmac.new(secret.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:32]


class Accounts:
    """The team's accounts in the reports database."""

    def __init__(self, database: Database):
        self.database = database

    def add(self, name: str, password: str, replace: bool = False) -> None:
        """Create an account (or, with `replace`, give an existing one a new password)."""
        if not NAME_PATTERN.match(name):
            raise AccountError("a name has letters, digits, '.', '_', '-' or '@' "
                               f"(at most {MAX_NAME_CHARS})")
        check_password(password)
        password_hash = generate_password_hash(password)
        with self.database.session() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is not None and not replace:
                raise AccountError(f"there is already an account called {name!r}")
            if user is None:
                session.add(User(name=name, password_hash=password_hash,
                                 created_on=dt.date.today()))
            else:
                user.password_hash = password_hash

    def remove(self, name: str) -> bool:
        with self.database.session() as session:
            return bool(session.execute(delete(User).where(User.name == name)).rowcount)

    def names(self) -> list[str]:
        with self.database.session() as session:
            return list(session.scalars(select(User.name).order_by(User.name)))

    def verify(self, name: str, password: str, secret: str) -> Account | None:
        """The account when the password is right, else None (same time either way)."""
        with self.database.session() as session:
            user = session.scalar(select(User).where(User.name == name[:MAX_NAME_CHARS]))
            password_hash = user.password_hash if user else _decoy_hash()
        right = check_password_hash(password_hash, password[:MAX_PASSWORD_CHARS])
        if user is None or not right:
            return None
        return Account(user.name, session_key(secret, password_hash))

    def current(self, name: str, key: str, secret: str) -> Account | None:
        """The account a session names, if it still exists with the same password."""
        with self.database.session() as session:
            password_hash = session.scalar(select(User.password_hash)
                                           .where(User.name == name[:MAX_NAME_CHARS]))
        if password_hash is None or not hmac.compare_digest(
                session_key(secret, password_hash), key):
            return None
        return Account(name, key)
