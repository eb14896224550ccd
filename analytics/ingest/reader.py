"""Turn uploaded bytes into something DuckDB's CSV reader can take, or refuse them clearly.

Exports arrive with BOMs, in UTF-16 from Windows tools, in latin-1 from old spreadsheets,
as renamed ZIP/Excel files, or empty. Everything that would make DuckDB fail with a
cryptic message is caught here, before any data is touched, so a refused file changes
nothing in the store.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError

DELIMITERS = (",", ";", "\t")


@dataclass
class CsvSource:
    """A CSV ready for DuckDB: a UTF-8 file on disk plus what we learned reading it."""

    name: str
    path: Path
    sha256: str
    delimiter: str
    header: list[str]
    _temporary: bool = field(default=False, repr=False)

    def header_index(self) -> dict[str, int]:
        """Lower-cased, trimmed header name -> column position (first occurrence wins)."""
        index: dict[str, int] = {}
        for position, column in enumerate(self.header):
            index.setdefault(column.strip().casefold(), position)
        return index

    def cleanup(self) -> None:
        if self._temporary:
            self.path.unlink(missing_ok=True)


def _decode(raw: bytes, name: str) -> tuple[str | None, str]:
    """Return (text or None when already UTF-8 without BOM, encoding label)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{name}: starts like UTF-16 but is not valid UTF-16 ({exc})."
            ) from exc
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        # Old spreadsheets save Windows-1252; it maps every byte we see in such files.
        return raw.decode("cp1252", errors="replace"), "cp1252"
    return None, "utf-8"


def _refuse_binary(raw: bytes, name: str) -> None:
    if raw[:4] == b"PK\x03\x04":
        raise IngestError(
            f"{name} is a ZIP archive (an Excel .xlsx or a zipped export), not a CSV. "
            "Unzip it or save the sheet as CSV, then upload the .csv file."
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(f"{name} is an old Excel (.xls) workbook, not a CSV. Save it as CSV.")
    if raw[:5] == b"%PDF-":
        raise IngestError(f"{name} is a PDF, not a CSV export.")
    head = raw[:65536]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(f"{name} contains binary data (NUL bytes); it is not a CSV text file.")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter used most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for char in header_line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    end = text.find("\n")
    line = text if end < 0 else text[:end]
    return line.rstrip("\r")


def open_source(data: bytes | str | os.PathLike[str], name: str | None = None) -> CsvSource:
    """Validate and prepare ``data`` (raw bytes or a path) for DuckDB's CSV reader."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        path: Path | None = None
        name = name or "upload.csv"
    else:
        path = Path(data)
        name = name or path.name
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise IngestError(f"{name}: no such file ({path}).") from exc
        except IsADirectoryError as exc:
            raise IngestError(f"{name} is a folder, not a CSV file.") from exc
        except OSError as exc:
            raise IngestError(f"{name}: cannot read the file ({exc.strerror}).") from exc
    if not raw.strip():
        raise IngestError(f"{name} is empty: there is no header and no data to import.")
    _refuse_binary(raw, name)
    text, _encoding = _decode(raw, name)
    first = _first_line(text if text is not None else raw[:1_000_000].decode("utf-8", "replace"))
    if not first.strip():
        raise IngestError(
            f"{name}: line 1 is blank; expected the header row of a workout export."
        )
    delimiter = sniff_delimiter(first)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    header = [column.strip().strip('"').strip() for column in header]
    sha = hashlib.sha256(raw).hexdigest()
    temporary = False
    if text is not None or path is None:
        with tempfile.NamedTemporaryFile(
            "wb", suffix=".csv", prefix="backline-import-", delete=False
        ) as handle:
            handle.write(text.encode("utf-8") if text is not None else raw)
        path = Path(handle.name)
        temporary = True
    return CsvSource(
        name=name, path=path, sha256=sha, delimiter=delimiter, header=header,
        _temporary=temporary,
    )


def record_start_lines(path: Path, delimiter: str) -> list[tuple[int, bool]]:
    """Physical start line and blankness of every CSV record (header = record 1).

    Used only when rows are rejected, to turn DuckDB's record numbers into the line a
    person sees in a text editor (quoted notes can span several lines).
    """
    starts: list[tuple[int, bool]] = []
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        previous_end = 0
        for record in reader:
            starts.append((previous_end + 1, not record))
            previous_end = reader.line_num
    return starts
