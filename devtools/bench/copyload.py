"""Bulk loading through PostgreSQL COPY: rows streamed from a generator, bulk-load DDL done like pg_restore.

`copy_rows(cursor, Model, rows)` streams dicts into `COPY <table> (...) FROM STDIN` in PostgreSQL's
text format; columns a row leaves out take the model field's default (computed once, so a field
another app adds later with a default is filled too). `bulk_load_ddl(...)` drops the secondary
indexes and the foreign keys of the tables about to be loaded and puts them back afterwards: the
constraints are then checked once over the whole table (as pg_restore does), never skipped.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models import NOT_PROVIDED

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_item(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def encode(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (int, float, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ("{" + ",".join(_array_item(v) for v in value) + "}").translate(_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


class _RowStream(io.RawIOBase):
    """A readable file whose bytes are produced on demand from an iterator of text lines."""

    def __init__(self, lines: Iterator[str], on_row: Callable[[], None] | None) -> None:
        self._lines = lines
        self._buffer = b""
        self._on_row = on_row

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        size = len(target)
        chunks = [self._buffer]
        have = len(self._buffer)
        while have < size:
            try:
                line = next(self._lines)
            except StopIteration:
                break
            data = line.encode()
            chunks.append(data)
            have += len(data)
            if self._on_row:
                self._on_row()
        data = b"".join(chunks)
        out, self._buffer = data[:size], data[size:]
        target[: len(out)] = out
        return len(out)


def _column_defaults(model: type[models.Model], given: set[str]) -> dict[str, Any]:
    """Values for every concrete column a row leaves out: the field's default, else NULL or ''."""
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue  # the database fills it
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.empty_strings_allowed:
            value = ""
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value in the bulk load")
        if isinstance(value, uuid.UUID) and field.unique:
            raise ValueError(f"{model.__name__}.{field.name} is unique: give it per row")
        defaults[field.column] = value
    return defaults


def copy_rows(
    cursor: Any,
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    on_row: Callable[[], None] | None = None,
) -> int:
    """COPY the rows (dicts keyed by attname, e.g. ``centre_id``) into the model's table. Returns the row count."""
    iterator = iter(rows)
    try:
        first = next(iterator)
    except StopIteration:
        return 0
    fields = {f.attname: f for f in model._meta.concrete_fields}
    keys = list(first)
    unknown = [k for k in keys if k not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    defaults = _column_defaults(model, set(keys))
    columns = [fields[k].column for k in keys] + list(defaults)
    tail = "\t" + "\t".join(encode(v) for v in defaults.values()) if defaults else ""
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for row in _chain(first, iterator):
            count += 1
            yield "\t".join(encode(row[k]) for k in keys) + tail + "\n"

    table = model._meta.db_table
    column_list = ", ".join(f'"{c}"' for c in columns)
    stream = io.BufferedReader(_RowStream(lines(), on_row), buffer_size=1 << 18)
    cursor.copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', stream, size=1 << 18)
    return count


def copy_lines(
    cursor: Any,
    model: type[models.Model],
    attnames: list[str],
    lines: Iterator[str],
    *,
    on_row: Callable[[], None] | None = None,
) -> int:
    """COPY lines already in text format (tab-separated ``attnames``, no newline); other columns take defaults."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    defaults = _column_defaults(model, set(attnames))
    columns = [fields[k].column for k in attnames] + list(defaults)
    tail = ("\t" + "\t".join(encode(v) for v in defaults.values()) if defaults else "") + "\n"
    count = 0

    def framed() -> Iterator[str]:
        nonlocal count
        for line in lines:
            count += 1
            yield line + tail

    column_list = ", ".join(f'"{c}"' for c in columns)
    stream = io.BufferedReader(_RowStream(framed(), on_row), buffer_size=1 << 18)
    cursor.copy_expert(f'COPY "{model._meta.db_table}" ({column_list}) FROM STDIN', stream, size=1 << 18)
    return count


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def next_id(cursor: Any, model: type[models.Model]) -> int:
    """The first free primary key of the model's table (so that a load can add to existing rows)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) + 1 FROM "{table}"')  # noqa: S608 - names from the model
    return int(cursor.fetchone()[0])


def reset_sequence(cursor: Any, model: type[models.Model]) -> None:
    """Move the table's id sequence past the ids the load chose."""
    table, pk = model._meta.db_table, model._meta.pk.column
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', pk])
    sequence = cursor.fetchone()[0]
    if sequence:
        sql = f'SELECT setval(%s, GREATEST((SELECT MAX("{pk}") FROM "{table}"), 1))'  # noqa: S608 - model names
        cursor.execute(sql, [sequence])


@contextmanager
def bulk_load_ddl(cursor: Any, tables: list[str], *, log: Callable[[str], None] = print) -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of ``tables``; recreate them (checked) on the way out.

    Primary keys, unique and check constraints and triggers stay in force during the load. The
    foreign keys come back with ``ALTER TABLE ... ADD CONSTRAINT`` (which checks every row at once),
    the indexes with ``CREATE INDEX`` (a unique partial index checks its rule while it is built).
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks may block the ALTERs
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [tables],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for number, (_name, definition) in enumerate(indexes, 1):
        log(f"index {number}/{len(indexes)}: {definition[:90]}")
        cursor.execute(definition)
    for number, (table, name, definition) in enumerate(foreign_keys, 1):
        log(f"foreign key {number}/{len(foreign_keys)}: {table}.{name}")
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
