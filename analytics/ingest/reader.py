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
import re
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
    line_offset: int = 0  # lines before the header that DuckDB does not see (``sep=;``)
    _temporary: bool = field(default=False, repr=False)

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


#: What a file is when its first bytes say so: (magic bytes, offset, what it is, next step).
_EXPORT_STEP = ("Export the log from your app as CSV (in Strong, Hevy, FitNotes...: "
                "Settings > Export data) and upload that .csv file.")
_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image (a screenshot?)", _EXPORT_STEP),
    (b"\xff\xd8\xff", 0, "a JPEG image (a photo or screenshot?)", _EXPORT_STEP),
    (b"GIF8", 0, "a GIF image", _EXPORT_STEP),
    (b"%PDF-", 0, "a PDF", _EXPORT_STEP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Excel (.xls) workbook",
     "Save it as CSV (File > Save As > CSV UTF-8), then upload the .csv file."),
    (b"\x1f\x8b", 0, "gzip-compressed", "Decompress it and upload the .csv inside."),
)
#: ISO media brands after ``ftyp`` at byte 4: HEIC / HEIF photos (iPhone), AVIF.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
                b"avif")


def _zip_kind(head: bytes) -> tuple[str, str]:
    """What a ZIP archive holds, from the names in its first entries."""
    if b"xl/" in head:
        return ("an Excel workbook (.xlsx, a ZIP archive), not a CSV",
                "Save the sheet as CSV (File > Save As > CSV UTF-8), then upload the .csv file.")
    if b"opendocument.spreadsheet" in head:
        return ("a LibreOffice / OpenOffice spreadsheet (.ods), not a CSV",
                "Save the sheet as CSV, then upload the .csv file.")
    if b"Index/Document.iwa" in head:
        return ("an Apple Numbers document, not a CSV",
                "Export it as CSV (File > Export To > CSV), then upload the .csv file.")
    return ("a ZIP archive (an Excel .xlsx or a zipped export), not a CSV",
            "Unzip it or save the sheet as CSV, then upload the .csv file.")


def _refuse_binary(head: bytes, name: str) -> None:
    """Refuse files that are not text, naming what they are and what to do instead."""
    if head[:4] == b"PK\x03\x04":
        what, step = _zip_kind(head)
        raise IngestError(f"{name} is {what}. {step}")
    for magic, offset, what, step in _SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            raise IngestError(f"{name} is {what}, not a CSV export. {step}")
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        raise IngestError(f"{name} is a HEIC photo (an iPhone picture or screenshot), not a "
                          f"CSV export. {_EXPORT_STEP}")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise IngestError(f"{name} is a WebP image, not a CSV export. {_EXPORT_STEP}")
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:15].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        raise IngestError(
            f"{name} is a web page (HTML), not a CSV export: the link saved the page, not "
            f"the file. {_EXPORT_STEP}"
        )
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

    Every line end becomes LF: CRLF, and a lone CR (old Mac files, or a file edited on
    two systems, which DuckDB's strict reader cannot read when they mix). Byte-order marks
    inside the text (two exports pasted into one file) are dropped. UTF-8 input keeps any
    invalid bytes as they are, so only the rows holding them are rejected.
    """

    def __init__(self, encoding: str, drop_first_line: bool = False) -> None:
        errors = {"cp1252": "replace", "utf-8-sig": "surrogateescape",
                  "utf-8": "surrogateescape"}.get(encoding, "strict")
        self._errors = "surrogateescape" if errors == "surrogateescape" else "strict"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        self._pending_cr = False
        self._dropping = drop_first_line

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        text = self._decoder.decode(chunk, final=final)
        if self._pending_cr:
            text = "\r" + text
        self._pending_cr = not final and text.endswith("\r")
        if self._pending_cr:
            text = text[:-1]
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
        if self._dropping:
            end = text.find("\n")
            text = "" if end < 0 else text[end + 1:]
            self._dropping = end < 0
        return text.encode("utf-8", errors=self._errors)


@dataclass
class _Facts:
    """What one pass over a UTF-8 file found (it needs converting unless all is plain)."""

    sha256: str
    invalid: int = 0  # byte sequences that are not UTF-8
    multibyte: int = 0  # bytes of valid multi-byte characters: evidence the file is UTF-8
    crlf: bool = False
    bare_lf: bool = False
    lone_cr: bool = False
    inner_bom: bool = False

    @property
    def utf8(self) -> bool:
        """UTF-8 as a whole: a few bad bytes in a file of UTF-8 text are the rows' problem,
        not the file's (only a file with no UTF-8 evidence is another encoding)."""
        return self.invalid == 0 or self.multibyte > self.invalid

    @property
    def plain(self) -> bool:
        return not (self.lone_cr or (self.crlf and self.bare_lf) or self.inner_bom)


def _check_nul(chunk: bytes, offset: int, name: str) -> None:
    # The first 64 KB were checked on opening; a NUL further in means a binary or damaged
    # file, which DuckDB would read as text into a cell.
    nul = chunk.find(b"\x00")
    if nul >= 0:
        raise IngestError(
            f"{name} contains binary data (NUL bytes, the first at byte {offset + nul:,}); "
            "it is not a CSV text file."
        )


def _scan(stream: BinaryIO, name: str, target: BinaryIO | None) -> _Facts:
    """One pass over a UTF-8 file: its hash, how UTF-8 it is, its line ends, inner BOMs;
    copied as it is to ``target`` when given."""
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    facts = _Facts("")
    previous_cr = False
    offset = 0  # of this chunk in the file
    for chunk in _chunks(stream):
        sha.update(chunk)
        _check_nul(chunk, offset, name)
        if not chunk.isascii():
            text = decoder.decode(chunk)
            facts.invalid += text.count("\ufffd") - chunk.count(b"\xef\xbf\xbd")
            facts.multibyte += len(text) - len(text.encode("ascii", "ignore")) \
                - text.count("\ufffd")
            facts.inner_bom = facts.inner_bom or codecs.BOM_UTF8 in chunk[3 if not offset else 0:]
        # Counting only chunks that hold a CR: most files hold none, and a scan for one
        # byte is far cheaper than counting two-byte sequences.
        joined = previous_cr and chunk[:1] == b"\n"
        if previous_cr and not joined:
            facts.lone_cr = True
        if b"\r" in chunk:
            crlfs = chunk.count(b"\r\n") + joined
            facts.crlf = facts.crlf or crlfs > 0
            facts.bare_lf = facts.bare_lf or chunk.count(b"\n") > crlfs
            ends_cr = chunk.endswith(b"\r")
            facts.lone_cr = facts.lone_cr or chunk.count(b"\r") - (crlfs - joined) - ends_cr > 0
        else:
            facts.crlf = facts.crlf or joined
            facts.bare_lf = facts.bare_lf or b"\n" in (chunk[1:] if joined else chunk)
        previous_cr = chunk.endswith(b"\r")
        offset += len(chunk)
        if target is not None:
            target.write(chunk)
    if previous_cr:
        facts.lone_cr = True
    tail = decoder.decode(b"", final=True)
    facts.invalid += tail.count("\ufffd")
    facts.sha256 = sha.hexdigest()
    return facts


def _convert(stream: BinaryIO, name: str, encoding: str, target: BinaryIO,
             drop_first_line: bool) -> str:
    """Copy ``stream`` to ``target`` as UTF-8 with LF line ends; return the original's hash."""
    sha = hashlib.sha256()
    converter = _Converter(encoding, drop_first_line)
    try:
        for chunk in _chunks(stream):
            sha.update(chunk)
            converted = converter.feed(chunk)
            if b"\x00" in converted:
                raise IngestError(f"{name} contains binary data (NUL characters); it is "
                                  "not a CSV text file.")
            target.write(converted)
        target.write(converter.feed(b"", final=True))
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: starts like {encoding.upper()} text but is not valid {encoding.upper()} "
            f"({exc.reason} at byte {exc.start})."
        ) from exc
    return sha.hexdigest()


def _open(raw: bytes | None, path: Path | None) -> BinaryIO:
    return io.BytesIO(raw) if raw is not None else path.open("rb")  # type: ignore[union-attr]


def _temporary() -> BinaryIO:
    return tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by the callers
        "wb", suffix=".csv", prefix="backline-import-", delete=False
    )


def _prepare(raw: bytes | None, path: Path | None, name: str, encoding: str,
             drop_first_line: bool) -> tuple[str, str, Path | None]:
    """(sha256, encoding used, converted copy or None when DuckDB can read ``path`` as is).

    A UTF-8 file with consistent line ends is read in place; anything else (another
    encoding, lone CR or mixed line ends, BOMs inside, Excel's ``sep=`` line) is copied as
    UTF-8 with LF line ends. Uploaded bytes are always copied to a file, since DuckDB reads
    files. A file that is not UTF-8 as a whole is read as Windows-1252 (a superset of
    Latin-1); one that is UTF-8 but for a few bytes stays UTF-8.
    """
    handle = None
    try:
        if encoding == "utf-8" and not drop_first_line:
            handle = _temporary() if path is None else None
            with _open(raw, path) as stream:
                facts = _scan(stream, name, handle)
            if facts.utf8 and facts.plain:
                if handle is None:
                    return facts.sha256, encoding, None
                handle.close()
                return facts.sha256, encoding, Path(handle.name)
            if handle is not None:
                handle.close()
                Path(handle.name).unlink(missing_ok=True)
            encoding = "utf-8" if facts.utf8 else "cp1252"
        handle = _temporary()
        with _open(raw, path) as stream:
            sha = _convert(stream, name, encoding, handle, drop_first_line)
        handle.close()
        return sha, encoding, Path(handle.name)
    except BaseException:
        if handle is not None:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
        raise


_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*', re.IGNORECASE)


def _header_line(text: str) -> tuple[str, bool, re.Match[str] | None]:
    """(the header line, whether it ended, Excel's ``sep=`` line before it if any).

    Excel writes ``sep=;`` as the first line of a CSV to name its delimiter; the header
    is then the second line.
    """
    first, ended = _first_line(text)
    separator = _SEP_LINE.fullmatch(first) if ended else None
    if separator:
        rest = text[len(first):]
        rest = rest[2:] if rest.startswith("\r\n") else rest[1:]
        first, ended = _first_line(rest)
    return first, ended, separator


#: Exports of apps whose files are not one table (so no header or column mapping fits
#: them), known by a line of their layout: the app's name and what to do instead.
_UNSUPPORTED_APPS = (
    (re.compile(r"^### (SETTING|EXERCISE SET LOGS|WORKOUT SESSIONS) #+\s*$", re.M),
     "a JEFIT backup (several tables in one file)",
     "Copy its EXERCISE SET LOGS table, with its header line, into a CSV of its own and "
     "import that with a column mapping."),
    (re.compile(r'^#,(LBS|KG|KGS),REPS\s*$', re.M),
     "an Alpha Progression export (one block per exercise, not one row per set)",
     "Export a CSV from an app Backline reads, or rewrite the sets in Backline's template."),
    (re.compile(r"^EXERCISE,SETS,REPS\s*$", re.M),
     "an Alpha Progression plan (the sets to do, not a log of sets done)",
     "Export your workouts instead; Backline reads logs."),
)


def _refuse_unsupported_app(head_text: str, name: str) -> None:
    """Name an app whose export Backline cannot read, instead of a puzzling complaint
    about its first line (both known ones start with a blank line)."""
    for pattern, what, instead in _UNSUPPORTED_APPS:
        if pattern.search(head_text[:HEAD_SIZE]):
            raise IngestError(f"{name} is {what}, which Backline cannot read. {instead}")


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
    first, ended, separator = _header_line(head_text)
    if not ended and more:
        raise IngestError(
            f"{name}: line 1 runs past {HEAD_SIZE // (1 << 20)} MB without a line break; "
            "expected the header row of a workout export (a short line of column names)."
        )
    _refuse_unsupported_app(head_text, name)
    if not first.strip():
        raise IngestError(
            f"{name}: line {2 if separator else 1} is blank; expected the header row of a "
            "workout export."
        )
    sha, used, copy = _prepare(raw, path, name, encoding, drop_first_line=bool(separator))
    if used != encoding:
        first, _ended, _separator = _header_line(head.decode(used, errors="replace"))
    delimiter = separator.group(1) if separator else sniff_delimiter(first)
    csv.field_size_limit(max(csv.field_size_limit(), HEAD_SIZE))  # line 1 is <= HEAD_SIZE
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error as exc:
        raise IngestError(f"{name}: line 1 is not a readable header row ({exc}).") from exc
    header = [column.strip().strip('"').strip() for column in header]
    return CsvSource(
        name=name, path=copy or path, sha256=sha, delimiter=delimiter,  # type: ignore[arg-type]
        header=header, encoding=used, line_offset=1 if separator else 0,
        _temporary=copy is not None,
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

    def __init__(self, path: Path, delimiter: str, line_offset: int = 0) -> None:
        self.path = path
        self.delimiter = delimiter
        self.offset = line_offset  # lines of the original file before this one's line 1
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

    # Lines are numbered as the original file shows them (``offset`` lines of it, such as
    # Excel's ``sep=`` line, are not in the file read here).

    def lines_of(self, byte_positions: np.ndarray) -> np.ndarray:
        """1-based line of each byte position."""
        return np.searchsorted(self.newlines, byte_positions, side="left") + 1 + self.offset

    def record_lines(self) -> tuple[np.ndarray, np.ndarray]:
        """(start line, blank?) of every CSV record, header included (record 1 = index 0)."""
        if not self.simple:
            starts = record_start_lines(self.path, self.delimiter)
            return (np.array([s for s, _ in starts], dtype=np.int64) + self.offset,
                    np.array([b for _, b in starts], dtype=bool))
        count = len(self.newlines)
        lines = np.arange(1, self._lines() + 1, dtype=np.int64)
        blank = np.zeros(len(lines), dtype=bool)
        if count:
            length = np.diff(np.concatenate(([-1], self.newlines))) - 1
            blank[:count] = (length == 0) | ((length == 1) & (self._before_break == 13))
        return lines + self.offset, blank

    def _lines(self) -> int:
        count = len(self.newlines)
        trailing = self.size > (int(self.newlines[-1]) + 1 if count else 0)
        return count + int(trailing)

    def line_count(self) -> int:
        """The number of the file's last line."""
        return self._lines() + self.offset

    def text(self, first_lines: np.ndarray, last_lines: np.ndarray,
             limit: int = 4000) -> list[str]:
        """The file's text from line ``first`` to line ``last`` (inclusive), per pair.

        Cut to ``limit`` bytes: it is shown to people, and a hostile row can be megabytes.
        """
        if len(first_lines) == 0 or self.size == 0:
            return ["" for _ in first_lines]
        first_lines = np.asarray(first_lines) - self.offset
        last_lines = np.asarray(last_lines) - self.offset
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

    def full_text(self, line: int, limit: int) -> str:
        """Line ``line``'s text, up to ``limit`` bytes (to count a long row's fields)."""
        return self.text(np.array([line]), np.array([line]), limit)[0]


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
