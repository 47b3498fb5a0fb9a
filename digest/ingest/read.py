"""Turn paths into bytes and bytes into text, refusing what is not a document.

Everything that can go wrong with one file (missing, empty, binary, too big,
a broken gzip, no permission) comes back as a `ReadError` with a one-line
message, so the caller can report it and go on with the next file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
import re
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


class ReadError(Exception):
    """One file cannot be read as a document; the message says why, in one line."""


# ---------------------------------------------------------------- walking folders


def walk(folder: Path) -> Iterator[Path]:
    """Every visible file under `folder`, in sorted order, depth first.

    Hidden files and folders (".git", ".DS_Store") are skipped. A symlink is
    followed only when it leads to a place inside the folder; a link out of
    the tree is skipped with one line (a link to "/" or "~" must not pull in
    the user's files). Each real folder and file is visited once, so a link
    loop cannot trap the walk nor a linked file be read twice.
    """
    root = os.path.realpath(folder)
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def inside(real: str) -> bool:
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    def visit(d: Path, real_d: str) -> Iterator[Path]:
        if real_d in seen_dirs:
            return
        seen_dirs.add(real_d)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            log.warning("%s: cannot list folder: %s", _shown(d), exc.strerror or exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                link = entry.is_symlink()
                real = os.path.realpath(path) if link else os.path.join(real_d, entry.name)
                if link and not inside(real):
                    log.warning("%s: symlink leads out of %s; skipped", _shown(path), _shown(folder))
                    continue
                is_dir = os.path.isdir(real) if link else entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                yield from visit(path, real)
            elif real not in seen_files:
                seen_files.add(real)
                yield path

    yield from visit(Path(folder), root)


def _shown(path: Path | str) -> str:
    """A path fit for one log line: control characters (ESC in a file name) made visible."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", str(path))


# ---------------------------------------------------------------- reading bytes


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when the content is gzip (whatever its name).

    The size is checked before reading, and a gzip stream is read only up to
    `max_bytes` + 1, so neither a huge file nor a decompression bomb is ever
    held in memory.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ReadError("no such file or directory") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("not a regular file (device, pipe or socket)")
    if st.st_size > max_bytes:
        raise ReadError(f"too large: {st.st_size:,} bytes, the limit is {max_bytes:,} (max_bytes)")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # the file grew after stat
        raise ReadError(f"too large: more than {max_bytes:,} bytes (max_bytes)")
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, max_bytes)
    return data


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip bytes, refusing more than `max_bytes` of output."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(max_bytes + 1)
    except EOFError:
        raise ReadError("truncated gzip: the compressed data ends early") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise ReadError(f"corrupt gzip: {exc}") from None
    if len(out) > max_bytes:
        raise ReadError(f"too large once decompressed: more than {max_bytes:,} bytes (max_bytes)")
    return out


# ---------------------------------------------------------------- bytes to text

# Formats people drop in a news folder by mistake, by their first bytes.
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (also docx, xlsx, epub)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x1cftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED = re.compile(
    rb"""(?:<meta[^>]{0,200}?charset\s*=\s*["']?|<\?xml[^>]{0,100}?encoding\s*=\s*["'])([A-Za-z0-9_.:-]{2,40})""", re.I
)

# What cp1252 decodes Western European text to: Latin letters and typography.
# Superscripts and the Icelandic letters are left out on purpose: they are
# what cp1250 (Polish, Czech) and cp1254 (Turkish) text looks like in cp1252.
_WESTERN = set(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜßàáâãäåæçèéêëìíîïñòóôõöøùúûüÿŒœŠšŽžŸƒ“”‘’„‚–—…•€£¥©®°«»¡¿·§¶\u00a0™´¨¸½¼¾±²‹›†‡µ¢"
)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for the bytes; raises ReadError for binary or undecodable bytes.

    Order: byte-order mark, strict UTF-8, UTF-8 with a few bad bytes (the
    encoding is then "utf-8" and those bytes need errors="replace"), the
    charset a page declares, cp1252 when the text reads as Western European,
    then charset-normalizer.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ReadError(f"binary file ({what}), not a text document")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable: starts with a {enc} byte-order mark but {exc.reason}") from None
    head = data[:65536]
    if head.count(b"\x00") > len(head) / 1000:  # a stray NUL or two occurs in real pages
        wide = _wide_unicode(data)
        if wide is not None:
            return wide
        raise ReadError("binary file (contains NUL bytes), not a text document")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    wide = _wide_unicode(data)
    if wide is not None:
        return wide
    if _nearly_utf8(data):
        return _checked(data.decode("utf-8", errors="replace"), "utf-8")
    declared = _declared_encoding(data)
    if declared:
        try:
            return _checked(data.decode(declared), declared)
        except (UnicodeDecodeError, ReadError):
            pass
    western = _western(data)
    if western is not None:
        return _checked(western, "cp1252")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("binary or undecodable bytes, not a text document in any known encoding")
    return _checked(str(best), codecs.lookup(best.encoding).name)


_SEPARATORS = re.compile(r"[\s.,;:!?\"'()\-\u3001\u3002\uff0c\uff01\uff1f\uff1a\uff1b\u060c\u061f]")
# Characters that real text is made of; random bytes read as UTF-16 fall outside them often.
_TEXT_CATEGORIES = ("L", "M", "N", "P", "S", "Z")


def _wide_unicode(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 without a byte-order mark, when one of them reads as text.

    Latin text in UTF-16 has a NUL in every other byte (every fourth three in UTF-32),
    which is why the NUL test sends such files here; CJK text in UTF-16 has few NULs
    but is no valid UTF-8, and comes here after that fails. A reading counts when nearly
    every character is a letter, mark, number, punctuation, symbol or space, and none
    is unassigned: bytes that are not text fail that at once.
    """
    import unicodedata

    best: tuple[float, str, str] | None = None
    candidates = []
    if len(data) % 4 == 0:
        candidates += ["utf-32-le", "utf-32-be"]
    if len(data) % 2 == 0:
        candidates += ["utf-16-le", "utf-16-be"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if not sample.strip():
            continue
        good = sum(1 for ch in sample if ch in "\n\r\t" or unicodedata.category(ch)[0] in _TEXT_CATEGORIES)
        unassigned = sum(1 for ch in sample if unicodedata.category(ch) in ("Cn", "Co", "Cs"))
        if unassigned == 0 and good >= 0.99 * len(sample):
            # The right byte order gives spaces, line breaks and punctuation; the wrong one,
            # letters of some far-off script where those should be.
            score = len(_SEPARATORS.findall(sample)) / len(sample)
            if best is None or score > best[0]:
                best = (score, text, encoding)
    return (best[1], best[2]) if best is not None and best[0] > 0.02 else None


def _nearly_utf8(data: bytes) -> bool:
    """UTF-8 with a handful of bad bytes (a title cut mid-character, one stray
    Latin-1 byte): reading it as UTF-8 loses those few characters, whereas any
    other guess garbles every accented letter in it.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > 10 or bad / len(data) >= 0.001:
        return False
    # The valid multi-byte characters must outnumber the bad bytes well: a
    # cp1252 page with three umlauts also has only three bad bytes.
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good >= 10 * bad


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Refuse text that is mostly control characters: binary that happened to decode."""
    sample = text[:65536]
    controls = len(_CONTROLS.findall(sample))
    if sample and controls / len(sample) > 0.01:
        raise ReadError("binary file (control characters), not a text document")
    return text, encoding


def _declared_encoding(data: bytes) -> str | None:
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None
    # Pages that declare Latin-1 or ASCII are cp1252 in practice (as browsers assume).
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _western(data: bytes) -> str | None:
    """The cp1252 reading of the bytes, if it looks like Western European text.

    charset-normalizer guesses poorly on short texts (a cp1252 line with “smart
    quotes”, é and € comes back as cp1250), and cp1252 is by far the most
    common legacy encoding of news text, so it is tried first. Text where most
    letters fall outside ASCII (Cyrillic or Greek read as cp1252) is left to
    charset-normalizer.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii or any(ch not in _WESTERN for ch in non_ascii):
        return None
    letters = sum(1 for ch in text if ch.isalpha())
    foreign_letters = sum(1 for ch in non_ascii if ch.isalpha())
    if letters and foreign_letters / letters > 0.3:
        return None
    return text
