"""Alembic environment: runs on the connection mergerwatch hands it (see store/db.py)."""

from alembic import context

from mergerwatch.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` on the command line: build an engine from the URL in the config
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
