"""The reports database: SQLite in the instance folder (WAL) or PostgreSQL, and its migrations.

`RUMOURS_DATABASE_URL` chooses the server (`postgresql://user:pass@host/db` for a site with
several app servers); without it the database is `instance/rumours.db`. The schema is made
by the Alembic migrations in `migrations/` (`rumours db upgrade`; `rumours serve` applies
them too). An embedded SQLite database is brought up to date on first use as well; a
PostgreSQL schema is only ever changed by `rumours db upgrade`.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("rumours.reports")

DEFAULT_FILE = "rumours.db"
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
CONNECT_TIMEOUT = 3  # seconds to reach a PostgreSQL server before the form says it is down
SQLITE_BUSY_TIMEOUT = 5  # seconds a writer waits for another process's write to finish
# Failures of the server or the file, as opposed to mistakes in a query: a site keeps
# serving and a form says "try again later" when one of these happens.
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
               sa_exc.InternalError, sa_exc.DisconnectionError)


class StorageUnavailable(Exception):
    """The database cannot be reached, opened or written right now."""


def database_url(config: dict) -> str:
    """The configured database URL, or SQLite in the instance folder."""
    url = str(config.get("DATABASE_URL") or "").strip()
    if not url:
        return f"sqlite:///{Path(config['INSTANCE_DIR']) / DEFAULT_FILE}"
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` use psycopg 3 (the driver installed with rumours)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def describe(error: BaseException) -> str:
    """One line saying what went wrong, without the SQL statement."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    return f"{type(original).__name__}: {text[:300]}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed report survives a power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the settings each server needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                             pool_timeout=CONNECT_TIMEOUT,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT})
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One database: its engine, transactions that report outages plainly, its migrations."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        # Pooled connections are closed when this object goes (and at exit), never left
        # for the garbage collector.
        weakref.finalize(self, self.engine.dispose)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._schema_ready = False
        self._lock = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def __repr__(self) -> str:
        return f"Database({safe_url(self.url)!r})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction, committed when the block ends without an error (else rolled back).

        A server or file failure becomes StorageUnavailable; nothing is committed then.
        """
        self.ensure_schema()
        try:
            with self._sessions.begin() as session:
                yield session
        except UNAVAILABLE as error:
            raise StorageUnavailable(describe(error)) from error

    def ensure_schema(self) -> None:
        """Make sure the tables exist: SQLite is upgraded here, PostgreSQL must be current."""
        if self._schema_ready:
            return
        with self._lock:
            if self._schema_ready:
                return
            try:
                if self.is_sqlite:
                    self.upgrade()
                else:
                    current, head = self.current_revision(), head_revision()
                    if current != head:
                        raise StorageUnavailable(
                            f"the database schema is at {current or 'nothing'}, not {head}: "
                            "run `rumours db upgrade`")
            except (*UNAVAILABLE, OSError, Timeout) as error:  # OSError: the file's folder
                raise StorageUnavailable(describe(error)) from error
            self._schema_ready = True

    def upgrade(self) -> tuple[str | None, str | None]:
        """Apply every migration not yet applied; return the revisions before and after."""
        from alembic import command

        config = alembic_config(self.url)
        with self._migration_lock(), self.engine.begin() as connection:
            before = _revision(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            after = _revision(connection)
        if before != after:
            log.info("database %s upgraded from %s to %s", safe_url(self.url), before, after)
        return before, after

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return _revision(connection)

    @contextmanager
    def _migration_lock(self):
        """Processes sharing one SQLite file migrate it one at a time."""
        database = make_url(self.url).database
        if self.is_sqlite and database and database != ":memory:":
            with FileLock(f"{database}.migrate.lock", timeout=60):
                yield
        else:
            yield

    def dispose(self) -> None:
        """Close every pooled connection (tests, and processes about to fork)."""
        self.engine.dispose()


def alembic_config(url: str):
    """Alembic's configuration for the migrations in `migrations/` on this database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _revision(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
