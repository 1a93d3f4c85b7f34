"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 for an allow-list of HTML."""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3
from markupsafe import Markup

EXTENSIONS = ["footnotes", "tables", "toc", "sane_lists", "attr_list"]
EXTENSION_CONFIGS = {
    "footnotes": {"BACKLINK_TITLE": "", "SUPERSCRIPT_TEXT": "{}"},
    "toc": {"permalink": False},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "section",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "bdi", "span", "mark",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def sanitise(raw_html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_converters = threading.local()


def _converter(kind: str) -> markdown.Markdown:
    """One Markdown converter of each kind per thread, reset between documents (building one
    costs more than converting a short text)."""
    md = getattr(_converters, kind, None)
    if md is None:
        if kind == "full":
            md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        else:
            md = markdown.Markdown(extensions=["tables", "sane_lists", "attr_list"])
        setattr(_converters, kind, md)
    return md.reset()


def render(text: str) -> Markup:
    """Render Markdown (with footnotes, tables, heading ids) to sanitised HTML."""
    html_text = _converter("full").convert(text)
    return Markup(sanitise(html_text))  # noqa: S704 - sanitised just above


def plain_text(text: str) -> str:
    """Render Markdown to plain text: no markup, no footnote markers, folded whitespace."""
    without_refs = FOOTNOTE_REF.sub("", text)
    rendered = nh3.clean(_converter("plain").convert(without_refs), tags=set())
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


def inline(text: str) -> Markup:
    """Render one line of Markdown without the surrounding paragraph."""
    rendered = str(render(text)).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)  # noqa: S704 - came out of render(), already sanitised
