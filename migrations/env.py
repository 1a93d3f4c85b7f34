"""Alembic's environment: runs the migrations on the connection `rumours db upgrade` passes,
or (for the `alembic` command itself) on the database rumours is configured to use."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from rumours.config import default_config
from rumours.reports.database import database_url, make_engine
from rumours.reports.models import Base

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.begin() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    settings = default_config()
    settings["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)  # for the SQLite default
    return database_url(settings)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
