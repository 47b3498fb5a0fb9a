"""An HTML page as a list of text blocks, each with what its place in the page says.

A block is the run of text between two block-level boundaries (a paragraph, a
heading, a list item, a table cell, the loose text of a div). For each block we
keep what a reader's eye uses to tell the report from the page around it: the
tag, how much of the text is link text, which landmark elements (article,
nav, footer, aside, form) hold it, and which telling words the class and id
attributes of its ancestors carry ("comment", "sidebar", "share" ...).

The walk is one pass over the tree (lxml's iterwalk, no recursion), so a page
nested ten thousand levels deep costs what a flat one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree

__all__ = ["Block", "page_blocks", "CLASS_WORDS", "LANDMARKS"]

# Elements whose content is never text a reader sees.
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "select",
    "option",
    "textarea",
    "button",
    "head",
    "title",
    "meta",
    "link",
    "input",
}
# Elements that start and end a block of text (everything else is inline).
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "legend",
    "address",
    "hr",
    "body",
    "html",
    "center",
    "details",
    "summary",
    "dialog",
    "menu",
    "frameset",
    "frame",
    "noframes",
    "option",
}
# Landmarks: an ancestor with this tag (or ARIA role) says what the text is part of.
LANDMARKS = ("article", "main", "header", "footer", "nav", "aside", "form", "figure", "li", "table", "blockquote")
_ROLE_LANDMARK = {
    "main": "main",
    "article": "article",
    "banner": "header",
    "contentinfo": "footer",
    "navigation": "nav",
    "complementary": "aside",
    "search": "form",
}

# Words in class and id values that say what a box holds, on any site. Short ones
# must be a whole token ("ad", not the "ad" in "header"); longer ones may be part of one
# ("sidebar" in "left-sidebar-widget", "comment" in "commentlist").
CLASS_WORDS: tuple[str, ...] = (
    "article",
    "content",
    "body",
    "entry",
    "post",
    "story",
    "text",
    "main",
    "comment",
    "reply",
    "sidebar",
    "widget",
    "footer",
    "header",
    "nav",
    "menu",
    "breadcrumb",
    "related",
    "recommend",
    "popular",
    "more",
    "teaser",
    "promo",
    "share",
    "social",
    "ad",
    "sponsor",
    "caption",
    "photo",
    "gallery",
    "video",
    "byline",
    "author",
    "date",
    "meta",
    "tag",
    "categor",
    "copyright",
    "subscribe",
    "newsletter",
    "login",
    "search",
    "cookie",
    "title",
    "hidden",
    "pagination",
    "link",
    "list",
    "item",
    "top",
    "bottom",
    "side",
    "rail",
    "banner",
    "widget",
    "print",
    "summary",
    "lead",
    "intro",
    "quote",
    "note",
)
_WHOLE_TOKEN = {
    "ad",
    "ads",
    "nav",
    "top",
    "side",
    "tag",
    "tags",
    "more",
    "date",
    "meta",
    "link",
    "list",
    "item",
    "post",
}
_TOKEN_ALIASES = {"ads": "ad", "advert": "ad", "advertisement": "ad", "tags": "tag", "posts": "post"}
_BIT = {word: 1 << i for i, word in enumerate(dict.fromkeys(CLASS_WORDS))}
_LONG_WORDS = re.compile("|".join(sorted((w for w in _BIT if w not in _WHOLE_TOKEN), key=len, reverse=True)))
_SPLIT = re.compile(r"[^a-z0-9]+")
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHAIN = 24  # ancestors remembered per block: enough to find the article's container
_LANDMARK_BIT = {name: 1 << i for i, name in enumerate(LANDMARKS)}


def class_bits(value: str, cache: dict[str, int]) -> int:
    """The CLASS_WORDS found in one class/id value, as a bit set (cached per value)."""
    bits = cache.get(value)
    if bits is None:
        lowered = value.lower()
        bits = 0
        for word in _LONG_WORDS.findall(lowered):
            bits |= _BIT[word]
        for token in _SPLIT.split(lowered):
            token = _TOKEN_ALIASES.get(token, token)
            if token in _WHOLE_TOKEN and token in _BIT:
                bits |= _BIT[token]
        cache[value] = bits
    return bits


@dataclass(slots=True)
class Block:
    """One block of text and the signs of its place in the page."""

    text: str
    tag: str  # the block-level element that holds the text ("p", "h2", "li", "div", ...)
    link_chars: int  # characters inside <a>
    links: int  # number of <a> elements with text
    depth: int  # nesting depth of the holding element
    landmarks: int  # bit set over LANDMARKS: ancestors (or roles) that hold the block
    near_classes: int  # CLASS_WORDS on the holding element and its parent
    far_classes: int  # CLASS_WORDS on any ancestor
    parent: int  # id of the holding element (blocks of one element share it)
    grandparent: int  # id of the holding element's block-level parent
    heading: int = 0  # 1-6 for h1-h6, else 0
    bold: bool = False  # the whole block is <b>/<strong> (a heading in old markup)
    lines: int = 1  # <br> line breaks + 1
    chain: tuple[int, ...] = ()  # ids of the holding element and its block-level ancestors, innermost last

    def has_landmark(self, name: str) -> bool:
        return bool(self.landmarks & _LANDMARK_BIT[name])

    def has_class(self, word: str, *, near: bool = True) -> bool:
        """Whether a class/id of the holding element and its parent (near) or of any ancestor names `word`."""
        return bool((self.near_classes if near else self.far_classes) & _BIT[word])


class _Frame:
    __slots__ = ("tag", "landmarks", "near", "far", "ident", "depth", "own", "chain", "parent_ident")

    def __init__(
        self, tag: str, landmarks: int, near: int, far: int, ident: int, depth: int, own: int, parent: _Frame | None
    ) -> None:
        self.tag = tag
        self.landmarks = landmarks
        self.near = near
        self.far = far
        self.ident = ident
        self.depth = depth
        self.own = own
        # Ids of this element and its block-level ancestors, innermost last, at most _CHAIN.
        self.chain: tuple[int, ...] = (
            ((*parent.chain[1 - _CHAIN :], ident) if _CHAIN > 1 else (ident,)) if parent else (ident,)
        )
        self.parent_ident = parent.ident if parent else 0


def page_blocks(root: lxml.etree._Element) -> list[Block]:
    """The text blocks of a parsed page, in reading order.

    One loop with its state in local variables: this walk visits every element of
    every page, so it avoids a function call per event.
    """
    blocks: list[Block] = []
    cache: dict[str, int] = {}
    parts: list[str] = []  # text of the block being read
    link_chars = links = bold_chars = 0
    lines = 1
    frame = _Frame("#root", 0, 0, 0, 0, 0, 0, None)
    frames: list[_Frame] = [frame]
    inline_stack: list[str] = []  # inline tags open inside the current block-level frame
    in_link = in_bold = False  # an <a>, a <b>/<strong> is open in inline_stack
    counter = 0
    skip, block_tags, landmark_bit = _SKIP, _BLOCK, _LANDMARK_BIT

    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    depth = 0
    names: dict[object, str | None] = {}  # element.tag -> its lower-cased name (None: not an element)
    for event, element in walker:
        tag = element.tag
        name = names.get(tag, "")
        if name == "":
            name = names[tag] = tag.lower() if isinstance(tag, str) else None
        if name is None:  # comments, processing instructions
            if event == "end":
                text = element.tail
                if text:
                    parts.append(text)
                    if in_link or in_bold:
                        size = len(text.strip())
                        if in_link:
                            link_chars += size
                        if in_bold:
                            bold_chars += size
            continue
        tag = name
        if event == "start":
            depth += 1
            if tag in skip:
                walker.skip_subtree()
                continue
            if tag in block_tags:
                if parts:  # (the signs gathered so far carry over when no text was read)
                    joined = "".join(parts)
                    parts.clear()
                    if not joined.isspace():  # most boundaries close only white space
                        _flush(blocks, joined, frame, link_chars, links, bold_chars, lines)
                    link_chars = links = bold_chars = 0
                    lines = 1
                parent = frame
                klass = element.get("class")
                ident_attr = element.get("id")
                own = 0
                if klass:  # (the cache is read here first: most values recur on a page)
                    bits = cache.get(klass)
                    own |= class_bits(klass, cache) if bits is None else bits
                if ident_attr:
                    bits = cache.get(ident_attr)
                    own |= class_bits(ident_attr, cache) if bits is None else bits
                landmarks = parent.landmarks
                if tag in landmark_bit:
                    landmarks |= landmark_bit[tag]
                role = element.get("role")
                if role in _ROLE_LANDMARK:
                    landmarks |= landmark_bit[_ROLE_LANDMARK[role]]
                if element.get("itemprop") == "articleBody":
                    landmarks |= landmark_bit["article"]
                counter += 1
                frame = _Frame(tag, landmarks, own | parent.own, parent.far | own, counter, depth, own, parent)
                frames.append(frame)
                inline_stack.clear()
                in_link = in_bold = False
                text = element.text
                if text:
                    parts.append(text)
            elif tag == "br":
                parts.append("\n")
                lines += 1
            elif tag != "img":
                if tag == "a" and (element.text or len(element)):
                    links += 1
                inline_stack.append(tag)
                if tag == "a":
                    in_link = True
                elif tag == "b" or tag == "strong":
                    in_bold = True
                # A class on an inline element (a <span class="byline">) tells as much.
                text = element.text
                if text:
                    parts.append(text)
                    if in_link or in_bold:
                        size = len(text.strip())
                        if in_link:
                            link_chars += size
                        if in_bold:
                            bold_chars += size
        else:  # end
            depth -= 1
            if tag in skip:
                pass
            elif tag in block_tags:
                if parts:  # (the signs gathered so far carry over when no text was read)
                    joined = "".join(parts)
                    parts.clear()
                    if not joined.isspace():  # most boundaries close only white space
                        _flush(blocks, joined, frame, link_chars, links, bold_chars, lines)
                    link_chars = links = bold_chars = 0
                    lines = 1
                if len(frames) > 1:
                    frames.pop()
                    frame = frames[-1]
                inline_stack.clear()
                in_link = in_bold = False
            elif tag != "br" and tag != "img" and inline_stack:
                if inline_stack[-1] == tag:
                    inline_stack.pop()
                elif tag in inline_stack:
                    inline_stack.remove(tag)
                else:
                    tag = ""  # nothing closed
                if tag == "a":
                    in_link = "a" in inline_stack
                elif tag == "b" or tag == "strong":
                    in_bold = "b" in inline_stack or "strong" in inline_stack
            text = element.tail
            if text:
                parts.append(text)
                if in_link or in_bold:
                    size = len(text.strip())
                    if in_link:
                        link_chars += size
                    if in_bold:
                        bold_chars += size
    if parts:
        _flush(blocks, "".join(parts), frame, link_chars, links, bold_chars, lines)
    return blocks


def _flush(
    blocks: list[Block], joined: str, frame: _Frame, link_chars: int, links: int, bold_chars: int, lines: int
) -> None:
    """Close the block being read: its text, and the signs gathered while reading it."""
    text = " ".join(joined.split())  # (the same as collapsing \s+ and stripping: str.split's white space is re's \s)
    if text:
        blocks.append(  # (positional: in Block's field order, a third cheaper than by keyword)
            Block(
                text,
                frame.tag,
                min(link_chars, len(text)),
                links,
                frame.depth,
                frame.landmarks,
                frame.near,
                frame.far,
                frame.ident,
                frame.parent_ident,
                _HEADING.get(frame.tag, 0),
                bold_chars >= 0.9 * len(text),
                lines,
                frame.chain,
            )
        )
