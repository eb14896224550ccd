"""Turn uploaded bytes into something DuckDB's CSV reader can take, or refuse them clearly.

Exports arrive with BOMs, in UTF-16 from Windows tools, in latin-1 from old spreadsheets,
with old-Mac CR line ends, as renamed ZIP/Excel files, or empty. Everything that would make
DuckDB fail with a cryptic message is caught here, before any data is touched, so a
refused file changes nothing in the store.

Files are read in chunks (hash, encoding check and any conversion in one pass), so a big
export costs a few megabytes of memory here, not its size.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import mmap
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .errors import IngestError

DELIMITERS = (",", ";", "\t")
CHUNK_SIZE = 1 << 22  # 4 MiB per read
HEAD_SIZE = 1 << 20  # the header row must end within the first 1 MiB
MAX_SHOWN = 60  # characters of a header cell quoted back in a message


@dataclass
class CsvSource:
    """A CSV ready for DuckDB: a UTF-8 file on disk plus what we learned reading it."""

    name: str
    path: Path
    sha256: str
    delimiter: str
    header: list[str]
    encoding: str = "utf-8"
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


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters for a message (a cell can be megabytes long)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _encoding_of(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _refuse_binary(head: bytes, name: str) -> None:
    if head[:4] == b"PK\x03\x04":
        raise IngestError(
            f"{name} is a ZIP archive (an Excel .xlsx or a zipped export), not a CSV. "
            "Unzip it or save the sheet as CSV, then upload the .csv file."
        )
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(f"{name} is an old Excel (.xls) workbook, not a CSV. Save it as CSV.")
    if head[:5] == b"%PDF-":
        raise IngestError(f"{name} is a PDF, not a CSV export.")
    if head[:4] in (b"\x1f\x8b\x08\x00", b"\x1f\x8b\x08\x08") or head[:2] == b"\x1f\x8b":
        raise IngestError(f"{name} is gzip-compressed; decompress it and upload the .csv.")
    sample = head[:65536]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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


def _first_line(text: str) -> tuple[str, bool]:
    """The first line of ``text`` (any of LF, CRLF, CR ends it) and whether it ended."""
    ends = [position for position in (text.find("\n"), text.find("\r")) if position >= 0]
    if not ends:
        return text, False
    return text[: min(ends)], True


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


class _Converter:
    """Re-encodes a byte stream to UTF-8 with LF line ends, chunk by chunk.

    CRLF becomes LF (DuckDB's strict reader fails on files that mix the two, as files
    edited on two systems do); in a CR-only file (old Mac) every CR becomes LF.
    """

    def __init__(self, encoding: str, cr_only: bool) -> None:
        errors = "replace" if encoding in ("cp1252", "utf-8-sig") else "strict"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        self._cr_only = cr_only
        self._pending_cr = False

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        text = self._decoder.decode(chunk, final=final)
        if self._pending_cr:
            text = "\r" + text
        self._pending_cr = not final and text.endswith("\r")
        if self._pending_cr:
            text = text[:-1]
        text = text.replace("\r\n", "\n")
        if self._cr_only:
            text = text.replace("\r", "\n")
        return text.encode("utf-8")


class _MixedLineEnds(Exception):
    """Internal: the UTF-8 file mixes CRLF and LF; copy it with LF line ends."""


def _scan(stream: BinaryIO, name: str, encoding: str, cr_only: bool,
          target: BinaryIO | None, convert: bool) -> str:
    """One pass over the file; returns the SHA-256 of its original bytes.

    ``convert``: decode ``encoding`` and write UTF-8 with LF line ends to ``target``.
    Otherwise check that the file is UTF-8 (raise :class:`_NotUtf8` if not), copy it as it
    is to ``target`` when given, and raise :class:`_MixedLineEnds` when it mixes CRLF and
    LF line ends (DuckDB's strict reader cannot read those).
    """
    sha = hashlib.sha256()
    converter = _Converter(encoding, cr_only) if convert else None
    validator = None if convert else codecs.getincrementaldecoder("utf-8")()
    crlf = bare_lf = False  # seen a CRLF / a LF that no CR precedes
    previous_cr = False
    offset = 0  # of this chunk in the file
    try:
        for chunk in _chunks(stream):
            sha.update(chunk)
            if converter is not None:
                assert target is not None
                converted = converter.feed(chunk)
                if b"\x00" in converted:
                    raise IngestError(f"{name} contains binary data (NUL characters); it is "
                                      "not a CSV text file.")
                target.write(converted)
                continue
            assert validator is not None
            # The first 64 KB were checked on opening; a NUL further in means a binary or
            # damaged file, which DuckDB would read as text into a cell.
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise IngestError(
                    f"{name} contains binary data (NUL bytes, the first at byte "
                    f"{offset + nul:,}); it is not a CSV text file."
                )
            offset += len(chunk)
            if not chunk.isascii():
                validator.decode(chunk)
            # Counting only chunks that hold a CR: most files hold none, and a scan for
            # one byte is far cheaper than counting two-byte sequences.
            joined = previous_cr and chunk[:1] == b"\n"
            if b"\r" in chunk:
                crlfs = chunk.count(b"\r\n") + joined
                crlf = crlf or crlfs > 0
                bare_lf = bare_lf or chunk.count(b"\n") > crlfs
            else:
                crlf = crlf or joined
                bare_lf = bare_lf or b"\n" in (chunk[1:] if joined else chunk)
            previous_cr = chunk.endswith(b"\r")
            if target is not None:
                target.write(chunk)
        if converter is not None:
            assert target is not None
            target.write(converter.feed(b"", final=True))
        else:
            assert validator is not None
            validator.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            raise _NotUtf8 from exc
        raise IngestError(
            f"{name}: starts like {encoding.upper()} text but is not valid {encoding.upper()} "
            f"({exc.reason} at byte {exc.start})."
        ) from exc
    if crlf and bare_lf:
        raise _MixedLineEnds
    return sha.hexdigest()


class _NotUtf8(Exception):
    """Internal: restart the scan as Windows-1252."""


def _open(raw: bytes | None, path: Path | None) -> BinaryIO:
    return io.BytesIO(raw) if raw is not None else path.open("rb")  # type: ignore[union-attr]


def _prepare(raw: bytes | None, path: Path | None, name: str, encoding: str,
             cr_only: bool) -> tuple[str, str, Path | None]:
    """(sha256, encoding used, converted copy or None when DuckDB can read ``path`` as is).

    A UTF-8 file with consistent line ends is read in place; anything else (another
    encoding, CR-only or mixed line ends) is copied as UTF-8 with LF line ends. Uploaded
    bytes are always copied to a file, since DuckDB reads files.
    """
    convert = encoding != "utf-8" or cr_only
    while True:  # at most three passes: as is, then converted, then as Windows-1252
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed on every path below
            "wb", suffix=".csv", prefix="backline-import-", delete=False
        ) if path is None or convert else None
        try:
            with _open(raw, path) as stream:
                sha = _scan(stream, name, encoding, cr_only, handle, convert)
        except BaseException as failed:
            if handle is not None:
                handle.close()
                Path(handle.name).unlink(missing_ok=True)
            if not isinstance(failed, _NotUtf8 | _MixedLineEnds):
                raise
            if isinstance(failed, _NotUtf8):
                encoding = "cp1252"
            convert = True
            continue
        if handle is not None:
            handle.close()
        if handle is None:
            return sha, encoding, None
        return sha, encoding, Path(handle.name)


def open_source(data: bytes | str | os.PathLike[str], name: str | None = None) -> CsvSource:
    """Validate and prepare ``data`` (raw bytes or a path) for DuckDB's CSV reader."""
    raw: bytes | None = None
    path: Path | None = None
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        name = name or "upload.csv"
    else:
        path = Path(data)
        name = name or path.name
        if path.is_dir():
            raise IngestError(f"{name} is a folder, not a CSV file.")
    try:
        with _open(raw, path) as stream:
            head = stream.read(HEAD_SIZE)
            more = bool(stream.read(1))
    except FileNotFoundError as exc:
        raise IngestError(f"{name}: no such file ({path}).") from exc
    except OSError as exc:
        raise IngestError(f"{name}: cannot read the file ({exc.strerror or exc}).") from exc
    if not head.strip() and not more:
        raise IngestError(f"{name} is empty: there is no header and no data to import.")
    _refuse_binary(head, name)
    encoding = _encoding_of(head)
    head_text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    if not head_text.strip() and not more:
        raise IngestError(f"{name} is empty: there is no header and no data to import.")
    first, ended = _first_line(head_text)
    if not ended and more:
        raise IngestError(
            f"{name}: line 1 runs past {HEAD_SIZE // (1 << 20)} MB without a line break; "
            "expected the header row of a workout export (a short line of column names)."
        )
    if not first.strip():
        raise IngestError(
            f"{name}: line 1 is blank; expected the header row of a workout export."
        )
    cr_only = "\r" in head_text and "\n" not in head_text
    sha, used, copy = _prepare(raw, path, name, encoding, cr_only)
    if used != encoding:
        first, _ = _first_line(head.decode(used, errors="replace"))
    delimiter = sniff_delimiter(first)
    csv.field_size_limit(max(csv.field_size_limit(), HEAD_SIZE))  # line 1 is <= HEAD_SIZE
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error as exc:
        raise IngestError(f"{name}: line 1 is not a readable header row ({exc}).") from exc
    header = [column.strip().strip('"').strip() for column in header]
    return CsvSource(
        name=name, path=copy or path, sha256=sha, delimiter=delimiter,  # type: ignore[arg-type]
        header=header, encoding=used, _temporary=copy is not None,
    )


class LineIndex:
    """Where lines and CSV records start in the UTF-8 file DuckDB read.

    DuckDB reports a malformed record by byte position, and a record that parsed but
    failed validation only by its position among parsed records; people need the line
    they see in a text editor. One vectorised pass finds every line break; when every line
    holds an even number of quote characters (no quoted value spans lines — true of all
    exports but Hevy's multi-line notes) a record is a line, otherwise the records are
    found with Python's CSV parser, which splits them the way DuckDB does.
    """

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.delimiter = delimiter
        newlines: list[np.ndarray] = []
        blank_ends: list[np.ndarray] = []
        quotes = 0
        even = True
        offset = 0
        previous_byte = 10  # as if a line break came before the file
        with path.open("rb") as handle:
            for chunk in _chunks(handle):
                array = np.frombuffer(chunk, dtype=np.uint8)
                breaks = np.flatnonzero(array == 10)
                quote_at = np.flatnonzero(array == 34)
                if quote_at.size:
                    before = np.searchsorted(quote_at, breaks) + quotes
                    even = even and not np.any(before & 1)
                    quotes += int(quote_at.size)
                # A line is blank when nothing (or only CR) precedes its line break.
                prev1 = np.where(breaks >= 1, array[np.maximum(breaks - 1, 0)], previous_byte)
                newlines.append(breaks + offset)
                blank_ends.append(prev1)
                offset += len(chunk)
                previous_byte = int(array[-1])
        self.size = offset
        self.newlines = np.concatenate(newlines) if newlines else np.zeros(0, np.int64)
        self.simple = even and quotes % 2 == 0
        self._before_break = (np.concatenate(blank_ends) if blank_ends
                              else np.zeros(0, np.uint8))

    def lines_of(self, byte_positions: np.ndarray) -> np.ndarray:
        """1-based line of each byte position."""
        return np.searchsorted(self.newlines, byte_positions, side="left") + 1

    def record_lines(self) -> tuple[np.ndarray, np.ndarray]:
        """(start line, blank?) of every CSV record, header included (record 1 = index 0)."""
        if not self.simple:
            starts = record_start_lines(self.path, self.delimiter)
            return (np.array([s for s, _ in starts], dtype=np.int64),
                    np.array([b for _, b in starts], dtype=bool))
        count = len(self.newlines)
        lines = np.arange(1, self.line_count() + 1, dtype=np.int64)
        blank = np.zeros(len(lines), dtype=bool)
        if count:
            length = np.diff(np.concatenate(([-1], self.newlines))) - 1
            blank[:count] = (length == 0) | ((length == 1) & (self._before_break == 13))
        return lines, blank


    def line_count(self) -> int:
        count = len(self.newlines)
        trailing = self.size > (int(self.newlines[-1]) + 1 if count else 0)
        return count + int(trailing)

    def text(self, first_lines: np.ndarray, last_lines: np.ndarray,
             limit: int = 4000) -> list[str]:
        """The file's text from line ``first`` to line ``last`` (inclusive), per pair.

        Cut to ``limit`` bytes: it is shown to people, and a hostile row can be megabytes.
        """
        if len(first_lines) == 0 or self.size == 0:
            return ["" for _ in first_lines]
        starts = np.where(first_lines > 1,
                          self.newlines[np.clip(first_lines - 2, 0, None)] + 1
                          if len(self.newlines) else 0, 0)
        ends = np.where(last_lines - 1 < len(self.newlines),
                        self.newlines[np.clip(last_lines - 1, 0, max(len(self.newlines) - 1, 0))]
                        if len(self.newlines) else self.size, self.size)
        texts = []
        with self.path.open("rb") as handle, \
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                chunk = data[start:min(end, start + limit)]
                texts.append(chunk.decode("utf-8", errors="replace").rstrip("\r\n"))
        return texts


def record_start_lines(path: Path, delimiter: str) -> list[tuple[int, bool]]:
    """Physical start line and blankness of every CSV record (header = record 1).

    The exact but slow way (Python's CSV parser), for files where quoted values span lines.
    """
    starts: list[tuple[int, bool]] = []
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        previous_end = 0
        try:
            for record in reader:
                starts.append((previous_end + 1, not record))
                previous_end = reader.line_num
        except csv.Error:
            pass  # a broken tail (DuckDB reported it as malformed); earlier lines stand
    return starts
