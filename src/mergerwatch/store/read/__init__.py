"""The read side of the store: every question the read commands ask, as plain SQL on the DB-API driver (the
standard library for a current SQLite store). Imports nothing of the write side."""
