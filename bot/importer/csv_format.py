"""Reading operators' CSV files: encoding, header and field formats (no database).

The house format (docs/data-import.md):

* UTF-8, with or without a byte-order mark. Any other encoding is refused for the
  whole file with a reason (UTF-16/UTF-32 are recognised by their BOM or NUL bytes;
  legacy 8-bit files such as Windows-1258/1252 or latin-1 fail UTF-8 decoding).
* Comma-separated, or semicolon-separated (Excel with a Vietnamese locale): the
  delimiter is taken from the header line. Double quotes quote a field.
* The first line is the header: column names as documented, case and surrounding
  spaces ignored. Columns whose name starts with ``_`` are ignored, so a rejects file
  (which adds ``_line`` and ``_reason``) can be fixed and imported again.
* Dates ``dd/mm/yyyy``; times ``dd/mm/yyyy HH:MM`` (Vietnam time); whole numbers
  plain or with Vietnamese thousands separators (``1.234.567``); money may end in
  ``đ``/``₫``/``VND`` (the field parsers are :mod:`bot.importer.fields`).

The file is streamed: :func:`iter_rows` decodes and parses one physical line at a
time, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

IGNORED_PREFIX = "_"
MAX_FIELD_CHARS = 2000


class CsvFileError(Exception):
    """The whole file is refused (encoding, header); nothing of it can be loaded."""


class FieldError(ValueError):
    """A field's value is invalid; the message is the reason shown to the operator."""


@dataclass
class RowError:
    """Why one row was rejected: ``line`` is the physical line where the row starts."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class RawRow:
    """One data row as read: the line it starts on, its raw values, and the header's
    column positions (name -> index)."""

    line: int
    values: list[str]
    positions: dict[str, int] = field(repr=False)

    def get(self, column: str) -> str:
        """The stripped raw value of ``column`` ('' when the column is absent or empty)."""
        index = self.positions.get(column)
        if index is None or index >= len(self.values):
            return ""
        return self.values[index].strip()


# --------------------------------------------------------------------------- decoding

_UTF16_32_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian BOM)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian BOM)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian BOM, e.g. Excel 'Unicode Text')"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian BOM)"),
)

SAVE_AS_UTF8 = "save it as 'CSV UTF-8 (Comma delimited)' and import it again"


def check_start(head: bytes) -> None:
    """Refuse files whose first bytes show an encoding other than UTF-8."""
    for bom, name in _UTF16_32_BOMS:
        if head.startswith(bom):
            raise CsvFileError(f"the file is encoded as {name}, not UTF-8: {SAVE_AS_UTF8}")
    if b"\x00" in head:
        raise CsvFileError(
            "the file contains NUL bytes: it looks like UTF-16/UTF-32 text without a BOM "
            f"or a binary file (e.g. .xlsx), not UTF-8 CSV: {SAVE_AS_UTF8}"
        )
    if head.startswith(b"PK\x03\x04"):
        raise CsvFileError(f"the file is a ZIP/Excel workbook, not CSV: {SAVE_AS_UTF8}")


def decode_lines(stream: BinaryIO) -> Iterator[str]:
    """Physical lines of a UTF-8 (BOM optional) byte stream, decoded strictly.

    Raises :class:`CsvFileError` naming the line and byte on the first invalid sequence.
    """
    head = stream.read(4096)
    check_start(head)
    rest = iter(stream)
    first = True
    number = 0
    pending = head
    while True:
        # Split the already-read head into lines, then continue with the stream.
        newline = pending.find(b"\n")
        if newline >= 0:
            raw, pending = pending[: newline + 1], pending[newline + 1 :]
        else:
            chunk = next(rest, None)
            if chunk is None:
                if not pending:
                    return
                raw, pending = pending, b""
            else:
                pending += chunk
                continue
        number += 1
        if first and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        first = False
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CsvFileError(_not_utf8_reason(raw, exc, number)) from None
        if "\x00" in text:
            raise CsvFileError(
                f"line {number} contains NUL bytes (UTF-16 text or binary data): {SAVE_AS_UTF8}"
            )
        yield text


def _not_utf8_reason(raw: bytes, exc: UnicodeDecodeError, line: int) -> str:
    # The line itself is not echoed: it may hold a name or a phone number.
    byte = raw[exc.start]
    try:
        raw.decode("cp1258")
        guess = "Windows-1258 (Vietnamese ANSI), Windows-1252 or latin-1"
    except UnicodeDecodeError:
        guess = "a legacy 8-bit code page (latin-1 or similar)"
    return (
        f"the file is not UTF-8: byte 0x{byte:02X} at line {line}, position {exc.start + 1} "
        f"is not valid UTF-8 (the file is probably {guess}); {SAVE_AS_UTF8}"
    )


# ----------------------------------------------------------------------------- rows


@dataclass
class Header:
    """The file's header: normalised names, the delimiter, and the raw header row."""

    names: list[str]
    delimiter: str
    raw: list[str]


def normalise_column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def iter_rows(
    path: Path | str,
    required: Iterable[str],
    optional: Iterable[str] = (),
) -> tuple[Header, Iterator[RawRow]]:
    """Open ``path``, check its header, and return it with an iterator over data rows.

    The header is read at once (so header faults raise here, before any row); the rows
    are read lazily. Blank lines are skipped. The iterator closes the file at the end.
    Raises :class:`CsvFileError` for an unreadable file, a bad encoding (possibly while
    iterating), or a header with missing, unknown or repeated columns.
    """
    path = Path(path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise CsvFileError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        lines = _LineCounter(decode_lines(stream))
        header_line = _first_non_blank(lines)
        if header_line is None:
            raise CsvFileError("the file is empty (no header line)")
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        raw_header = next(csv.reader([header_line], delimiter=delimiter))
        header = Header(
            names=[normalise_column(name) for name in raw_header],
            delimiter=delimiter,
            raw=[name.strip() for name in raw_header],
        )
        _check_header(header.names, list(required), list(optional))
    except BaseException:
        stream.close()
        raise
    return header, _rows(stream, lines, header)


def _first_non_blank(lines: _LineCounter) -> str | None:
    for line in lines:
        if line.strip():
            return line
    return None


def _check_header(names: list[str], required: list[str], optional: list[str]) -> None:
    known = set(required) | set(optional)
    used = [n for n in names if n and not n.startswith(IGNORED_PREFIX)]
    problems = []
    missing = [column for column in required if column not in used]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    unknown = [n for n in used if n not in known]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({n for n in used if used.count(n) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if "" in names:
        problems.append(f"a column has no name (position {names.index('') + 1})")
    if problems:
        expected = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
        raise CsvFileError("; ".join(problems) + f". Expected columns: {expected}")


def _rows(stream: BinaryIO, counted: _LineCounter, header: Header) -> Iterator[RawRow]:
    reader = csv.reader(counted, delimiter=header.delimiter, strict=True)
    positions: dict[str, int] = {}
    for index, name in enumerate(header.names):
        positions.setdefault(name, index)
    try:
        while True:
            start = counted.count + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CsvFileError(f"line {start}: malformed CSV ({exc})") from None
            if not any(value.strip() for value in values):
                continue
            yield RawRow(line=start, values=values, positions=positions)
    finally:
        stream.close()


class _LineCounter:
    """Wraps the line iterator to know which physical line a record starts on."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.count = 0

    def __iter__(self) -> _LineCounter:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


# ----------------------------------------------------------------------- rejects


class RejectsWriter:
    """Writes rejected rows (original values + ``_line`` + ``_reason``) as UTF-8 CSV.

    Written with a BOM so Excel opens it as UTF-8; the importer ignores ``_`` columns,
    so the fixed file can be imported as it is.
    """

    def __init__(self, path: Path | str, header: Header) -> None:
        self.path = Path(path)
        self._file = self.path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, delimiter=header.delimiter)
        raw = [name for name in header.raw if normalise_column(name) not in ("_line", "_reason")]
        self._keep = [
            i for i, name in enumerate(header.raw) if normalise_column(name) not in ("_line", "_reason")
        ]
        self._writer.writerow([*raw, "_line", "_reason"])
        self.count = 0

    def write(self, row: RawRow | None, errors: list[RowError]) -> None:
        values = [] if row is None else [row.values[i] if i < len(row.values) else "" for i in self._keep]
        line = errors[0].line if errors else (row.line if row else "")
        reason = "; ".join((f"{e.column}: {e.reason}" if e.column else e.reason) for e in errors)
        self._writer.writerow([*values, line, reason])
        self.count += 1

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RejectsWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
