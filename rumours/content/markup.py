"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 for an allow-list of HTML."""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import xml.etree.ElementTree as ET

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

from rumours.content.dates import as_of_label

AS_OF_PATTERN = r"\{as_of=(\d{4}-\d{2}-\d{2})\}"
AS_OF = re.compile(AS_OF_PATTERN)


class AsOfProcessor(InlineProcessor):
    """`{as_of=2026-07-10}` -> <time class="as-of" datetime="2026-07-10">As of 10 July 2026</time>,
    in the language of the text being rendered."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        try:
            date = dt.date.fromisoformat(m.group(1))
        except ValueError:
            return None, None, None  # left as written; `rumours check` reports it
        element = ET.Element("time", {"class": "as-of", "datetime": date.isoformat()})
        element.text = as_of_label(date, getattr(self.md, "text_lang", "en"))
        return element, m.start(0), m.end(0)


class AsOfExtension(Extension):
    """Dated facts: the `{as_of=YYYY-MM-DD}` marker of time-sensitive facts and sections."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.inlinePatterns.register(AsOfProcessor(AS_OF_PATTERN, md), "as_of", 175)


EXTENSIONS = ["footnotes", "tables", "toc", "sane_lists", "attr_list", AsOfExtension()]
EXTENSION_CONFIGS = {
    "footnotes": {"BACKLINK_TITLE": "", "SUPERSCRIPT_TEXT": "{}"},
    "toc": {"permalink": False},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "section",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "bdi", "span", "mark", "time",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
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


def render(text: str, lang: str = "en") -> Markup:
    """Render Markdown (with footnotes, tables, heading ids, dated facts) to sanitised HTML;
    `lang` is the language of the text (for the "As of" dates)."""
    md = _converter("full")
    md.text_lang = lang
    html_text = md.convert(text)
    return Markup(sanitise(html_text))  # noqa: S704 - sanitised just above


def plain_text(text: str) -> str:
    """Render Markdown to plain text: no markup, no footnote markers, folded whitespace."""
    without_refs = AS_OF.sub("", FOOTNOTE_REF.sub("", text))
    rendered = nh3.clean(_converter("plain").convert(without_refs), tags=set())
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


def inline(text: str) -> Markup:
    """Render one line of Markdown without the surrounding paragraph."""
    rendered = str(render(text)).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)  # noqa: S704 - came out of render(), already sanitised
