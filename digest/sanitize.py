"""Text from input, made harmless where it is shown: terminal and log lines, Markdown.

Input (titles, outlets, URLs, bodies, file names) is hostile until shown
otherwise. On a terminal, control characters (ESC sequences set the window
title or clear the screen) are shown escaped ("\\x1b") so a line stays one
line and says what was there. In Markdown, every field from input is plain
text: HTML and link syntax are escaped, a line cannot start a heading, list,
table or quote, and only http(s) URLs ever become links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["printable", "md_inline", "md_code", "md_url", "safe_url", "strip_controls", "json_safe"]

# C0 and C1 controls, DEL, the bidirectional overrides and isolates (which reorder
# what a reader sees), and lone surrogates (a file name that was not UTF-8).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """One line for a terminal or a log: every control character shown escaped ("\\x1b", "\\n")."""
    return _CONTROLS.sub(_escape, str(text))


def strip_controls(text: str, keep_newlines: bool = False) -> str:
    """The text without control characters (tabs become spaces; newlines kept only when asked)."""
    if keep_newlines:
        return _CONTROLS.sub(lambda m: m.group() if m.group() == "\n" else (" " if m.group() == "\t" else ""), text)
    return _CONTROLS.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


_SPACES = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_SCHEME = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.I)
_LINE_START = re.compile(r"^(?:(?=[#>+*=:-])|(\d+)(?=[.)](?:\s|$)))")


def md_inline(text: object) -> str:
    """A field from input as inert Markdown on one line (titles, outlets, sentences, messages).

    Control characters go and line breaks become spaces, so a field can never
    start a heading, list, table row or quote of its own; a field that opens
    with such a mark has it escaped, for when the field itself opens a line.
    HTML cannot start ("<" is "&lt;", an entity's "&" is "&amp;"), link and
    image syntax cannot form ("[", "]" escaped), table cells cannot break
    ("|" escaped), and "javascript:"/"data:" lose their colon to an escape.
    The escapes render as the characters they stand for.
    """
    flat = _SPACES.sub(" ", strip_controls(str(text))).strip()
    flat = _ENTITY.sub("&amp;", flat).replace("<", "&lt;").replace(">", "&gt;")
    flat = flat.replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")
    flat = _SCHEME.sub(lambda m: m.group(1) + "\\:", flat)
    return _LINE_START.sub(lambda m: (m.group(1) or "") + "\\", flat, count=1)


def md_code(text: object) -> str:
    """A field from input as an inline code span (file paths): no backtick, control or newline can escape it."""
    flat = _SPACES.sub(" ", strip_controls(str(text))).strip()
    fence = "`"
    while fence in flat:
        fence += "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def safe_url(url: object) -> str | None:
    """The URL if it is a plain absolute http(s) URL a link may point to, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROLS.search(url) or any(c in url for c in " <>\"'`\\"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def md_url(url: str) -> str:
    """A safe_url() inside a Markdown link's parentheses: the characters that could end it escaped."""
    return url.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")


# What json.dumps(ensure_ascii=False) leaves raw though a terminal may act on it: C1 controls,
# bidi overrides, and the line and paragraph separators JavaScript reads as line ends.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with those characters written as \\uXXXX escapes: the same JSON."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
