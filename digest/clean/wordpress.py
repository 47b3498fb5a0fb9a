"""WordPress REST posts (`wp-json/wp/v2/posts`): the post's HTML and its own metadata.

The post JSON already separates the report (`content.rendered`) from the page
around it, and says its title, date and link, so we trust those and only turn
the HTML into paragraphs. Figure captions and embedded tweets are removed here,
where the HTML still says what they are.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from digest.clean import metadata
from digest.types import Dropped
from digest.wordpress import post_author

__all__ = ["WordPressPost", "parse_post", "html_fragment_to_text", "PostError"]


class PostError(ValueError):
    """The JSON is not a WordPress post we can read; the message is one line."""


@dataclass(frozen=True)
class WordPressPost:
    text: str  # the content as text, one block per paragraph, blocks separated by a blank line
    dropped: tuple[Dropped, ...]
    meta: dict[str, str] = field(default_factory=dict, hash=False)


_BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "td",
    "th",
    "div",
    "section",
    "article",
    "figure",
    "ul",
    "ol",
    "table",
    "tr",
    "header",
    "footer",
    "aside",
    "nav",
    "hr",
}
_REMOVE_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "form",
    "button",
    "template",
    "object",
    "video",
    "audio",
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CLASS_WORDS = re.compile(r"[\s_-]+")
_EMBED_CLASSES = re.compile(r"\b(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed|fb-post|wp-block-embed)\b")


def parse_post(data: bytes | str) -> WordPressPost:
    """Read one post (or a one-element list of posts) from its JSON."""
    try:
        post: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise PostError(f"not valid JSON ({error})") from None
    if isinstance(post, list):
        if not post:
            raise PostError("empty list of posts")
        post = post[0]
    if not isinstance(post, dict):
        raise PostError("JSON is not a WordPress post object")
    content = _rendered(post.get("content"))
    if content is None:
        raise PostError("WordPress post has no content.rendered")
    text, dropped = html_fragment_to_text(content)
    return WordPressPost(text, tuple(dropped), _post_meta(post))


def _rendered(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else None


def _plain(fragment: str | None) -> str | None:
    """Inline HTML such as a title ("Seoul&#8217;s <em>plan</em>") to plain text."""
    if not fragment:
        return None
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", fragment))
    text = " ".join(text.replace("\u00a0", " ").split())
    return text or None


def _post_meta(post: dict[str, Any]) -> dict[str, str]:
    meta: dict[str, str] = {}
    yoast: dict[str, Any] = post["yoast_head_json"] if isinstance(post.get("yoast_head_json"), dict) else {}
    title = _plain(_rendered(post.get("title"))) or _plain(yoast.get("title"))
    if title:
        meta["title"] = title
    if isinstance(post.get("date_gmt"), str) and post["date_gmt"]:
        when = metadata.parse_any_date(post["date_gmt"].rstrip("Z") + "+00:00")
    else:
        when = metadata.parse_any_date(post.get("date") if isinstance(post.get("date"), str) else None)
    if when is not None:
        meta["published"] = when.isoformat()
    link = post.get("link") if isinstance(post.get("link"), str) else None
    if link:
        meta["url"] = link
    author = post_author(post)
    if author:
        meta["author"] = author
    outlet = yoast.get("og_site_name") if isinstance(yoast.get("og_site_name"), str) else None
    outlet = outlet or metadata.outlet_from_url(link)
    if outlet:
        meta["outlet"] = outlet
    return meta


def html_fragment_to_text(fragment: str) -> tuple[str, list[Dropped]]:
    """HTML of an article body to text with one block per paragraph.

    Why not trafilatura here: a post's content is already the article, there is
    no page chrome to find, and trafilatura may drop short real paragraphs.
    """
    dropped: list[Dropped] = []
    fragment = _CONTROL_CHARS.sub("", fragment)
    if not fragment.strip():
        return "", dropped
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on a whole <html> page
        return _plain(fragment) or "", dropped
    for element in list(root.iter(*_REMOVE_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    # <figcaption>, and the classic editor's caption shortcode: <div class="wp-caption"> with
    # <p class="wp-caption-text">. A class word "caption", not letters: "nocaption" stays.
    captions = [
        e
        for e in root.iter()
        if isinstance(e.tag, str)
        and e is not root
        and (e.tag == "figcaption" or "caption" in _CLASS_WORDS.split(e.get("class", "").lower()))
    ]
    removed: set[Any] = set()
    for element in captions:
        if any(a in removed for a in element.iterancestors()):
            continue  # inside a caption block already dropped
        text = _inline_text(element)
        if text:
            dropped.append(Dropped("caption", text))
        removed.add(element)
        element.drop_tree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if _EMBED_CLASSES.search(element.get("class", "")):
            text = _inline_text(element)
            if text:
                dropped.append(Dropped("embed", text))
            element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    text = text.replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, dropped


def _inline_text(element: Any) -> str:
    return " ".join(element.text_content().replace("\u00a0", " ").split())
