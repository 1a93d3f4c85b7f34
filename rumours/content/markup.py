"""Markdown to safe HTML and its parts, in one conversion: Python-Markdown for the syntax, a
tree processor for the sections, list items, citations and plain text, nh3 for an allow-list
of HTML."""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from rumours.content.dates import as_of_label

AS_OF_PATTERN = r"\{as_of=(\d{4}-\d{2}-\d{2})\}"
AS_OF = re.compile(AS_OF_PATTERN)
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:")
_ITEM_START = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_PLACEHOLDER = re.compile(markdown.util.HTML_PLACEHOLDER.replace("%s", r"(\d+)"))
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# Elements whose text is its own block: plain text puts a space around them.
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "table", "thead",
    "tbody", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br",
    "section",
})


class AsOfProcessor(InlineProcessor):
    """`{as_of=2026-07-10}` -> <time class="as-of" datetime="2026-07-10">As of 10 July 2026</time>,
    in the language of the text being rendered."""

    def handleMatch(self, m, data):  # noqa: ARG002, N802 - Python-Markdown's signature
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


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Marker:
    """Something written in the body, as written, and the line of the file it is on."""

    value: str
    line: int


@dataclass(frozen=True)
class ListItem:
    """A top-level list item of a section: its plain text, the sources it cites (in order),
    its latest `{as_of=…}` date and its line in the file."""

    text: str
    citations: tuple[str, ...]
    as_of: dt.date | None
    line: int


@dataclass(frozen=True)
class Section:
    """A part of the body that starts with a `## Title {#id}` heading (an explicit id)."""

    id: str
    title: str  # the heading as plain text, without its `{#id}`
    text: str  # the section's content as plain text, heading left out
    items: tuple[ListItem, ...]  # its top-level list items
    line: int  # the heading's line in the file


@dataclass(frozen=True)
class ConvertedBody:
    """Everything one conversion of a Markdown body yields (immutable)."""

    html: Markup  # sanitised HTML
    text: str  # plain text for search: no markup, footnote markers or "As of" labels
    sections: tuple[Section, ...]  # in the order they are written
    citations: tuple[str, ...]  # footnote ids in the order the body first cites them
    references: tuple[Marker, ...]  # every `[^id]`, with its line
    dated: tuple[Marker, ...]  # every `{as_of=…}` date as written, with its line
    written_notes: tuple[Marker, ...]  # footnote definitions written in the body (`[^id]:`)

    def section(self, section_id: str) -> Section | None:
        """The first section with this id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def facts(self) -> tuple[ListItem, ...]:
        """The top-level list items of the `{#facts}` section."""
        found = self.section("facts")
        return found.items if found else ()


# --------------------------------------------------------------------------- the extension


@dataclass
class _Found:
    """What the tree processors found in the document being converted (reset per document)."""

    explicit_ids: set[int]
    sections: list[tuple[str, ET.Element, list[ET.Element]]]
    root: ET.Element | None = None
    drop_footnotes: bool = False


class _ExplicitIds(Treeprocessor):
    """Runs after attr_list and before toc: notes the headings whose id the author wrote."""

    def __init__(self, md: markdown.Markdown, found: _Found):
        super().__init__(md)
        self.found = found

    def run(self, root: ET.Element) -> None:
        self.found.explicit_ids = {id(el) for el in root if el.tag == "h2" and el.get("id")}


class _BodyParts(Treeprocessor):
    """Runs last: cuts the tree into sections by `## … {#id}` heading, and leaves the
    generated footnote list out when the page lists the sources itself."""

    def __init__(self, md: markdown.Markdown, found: _Found):
        super().__init__(md)
        self.found = found

    def run(self, root: ET.Element) -> None:
        self.found.root = root
        if self.found.drop_footnotes:
            for element in list(root):
                if element.tag == "div" and element.get("class") == "footnote":
                    root.remove(element)
        sections = self.found.sections
        for element in root:
            if id(element) in self.found.explicit_ids:
                sections.append((element.get("id", ""), element, []))
            elif sections:
                sections[-1][2].append(element)


class BodyPartsExtension(Extension):
    """Registers the two tree processors and keeps what they found for `convert`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.found = _Found(set(), [])

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        md.treeprocessors.register(_ExplicitIds(md, self.found), "explicit_ids", 6)
        md.treeprocessors.register(_BodyParts(md, self.found), "body_parts", -10)

    def reset(self) -> None:
        self.found.explicit_ids = set()
        self.found.sections = []
        self.found.root = None
        self.found.drop_footnotes = False


_converters = threading.local()


def _converter() -> tuple[markdown.Markdown, BodyPartsExtension]:
    """One Markdown converter per thread, reset between documents (building one costs more
    than converting a short text)."""
    pair = getattr(_converters, "pair", None)
    if pair is None:
        parts = BodyPartsExtension()
        md = markdown.Markdown(extensions=[*EXTENSIONS, parts],
                               extension_configs=EXTENSION_CONFIGS)
        pair = _converters.pair = (md, parts)
    pair[0].reset()
    return pair


# --------------------------------------------------------------------------- plain text


def _is_marker(element: ET.Element) -> bool:
    """A footnote reference, an "As of" label or the footnote list: left out of plain text
    (not the text that follows them)."""
    return ((element.tag == "sup" and element.get("id", "").startswith("fnref"))
            or (element.tag == "time" and element.get("class") == "as-of")
            or (element.tag == "div" and element.get("class") == "footnote"))


class _Text:
    """Plain text of tree elements: raw HTML the converter set aside is resolved and its
    tags dropped; literal `[^id]` and `{as_of=…}` markers are left out."""

    def __init__(self, md: markdown.Markdown):
        self.stash = md.htmlStash.rawHtmlBlocks

    def _raw(self, match: re.Match) -> str:
        index = int(match.group(1))
        raw = self.stash[index] if index < len(self.stash) else ""
        return _TAG.sub(" ", str(raw))

    def clean(self, text: str | None) -> str:
        if not text:
            return ""
        if "\x02" in text:
            text = _PLACEHOLDER.sub(self._raw, text)
        return html.unescape(AS_OF.sub("", FOOTNOTE_REF.sub("", text)))

    def pieces(self, element: ET.Element) -> Iterator[str]:
        block = element.tag in _BLOCKS
        if block:
            yield " "
        if not _is_marker(element):
            yield self.clean(element.text)
            for child in element:
                yield from self.pieces(child)
                yield self.clean(child.tail)
        if block:
            yield " "

    def of(self, *elements: ET.Element) -> str:
        joined = "".join(piece for element in elements for piece in self.pieces(element))
        return _SPACE.sub(" ", joined).strip()


def _citations_in(element: ET.Element) -> tuple[str, ...]:
    """Footnote ids an element cites, in order: rendered references, and `[^id]` left as
    written (an id with no footnote text)."""
    cited = []
    for node in element.iter():
        if node.tag == "a" and "footnote-ref" in node.get("class", ""):
            cited.append(node.get("href", "").removeprefix("#fn:"))
        elif node.text and "[^" in node.text:
            cited.extend(FOOTNOTE_REF.findall(node.text))
        if node is not element and node.tail and "[^" in node.tail:
            cited.extend(FOOTNOTE_REF.findall(node.tail))
    return tuple(dict.fromkeys(cited))


def _latest_date(element: ET.Element) -> dt.date | None:
    dates = [dt.date.fromisoformat(node.get("datetime", ""))
             for node in element.iter("time") if node.get("class") == "as-of"]
    return max(dates, default=None)


# --------------------------------------------------------------------------- lines


def _scan(body: str, first_line: int) -> tuple[list[str], dict[str, tuple[Marker, ...]]]:
    """The body's lines, and the line of every footnote reference, `{as_of=…}` marker and
    written footnote definition (a linear scan, no Markdown)."""
    lines = body.split("\n")
    references, dated, notes = [], [], []
    for number, line in enumerate(lines, start=first_line):
        if "[^" in line:
            references.extend(Marker(m.group(1), number) for m in FOOTNOTE_REF.finditer(line))
            if FOOTNOTE_DEFINITION.match(line):
                notes.append(Marker(line.split("]:", 1)[0][2:], number))
        if "{as_of=" in line:
            dated.extend(Marker(m.group(1), number) for m in AS_OF.finditer(line))
    return lines, {"references": tuple(references), "dated": tuple(dated),
                   "written_notes": tuple(notes)}


def _heading_lines(lines: list[str], ids: list[str]) -> list[int]:
    """The index of each section's heading line: the next heading line that names its id."""
    found, start = [], 0
    for section_id in ids:
        for index in range(start, len(lines)):
            line = lines[index]
            if line.startswith("#") and f"#{section_id}" in line and "{" in line:
                found.append(index)
                start = index + 1
                break
        else:
            found.append(found[-1] if found else 0)
    return found


def _item_lines(lines: list[str], start: int, end: int) -> list[int]:
    return [index for index in range(start + 1, end) if _ITEM_START.match(lines[index])]


def _sections(found: _Found, lines: list[str], first_line: int,
              text: _Text) -> tuple[Section, ...]:
    heading_at = _heading_lines(lines, [section_id for section_id, _, _ in found.sections])
    sections = []
    for number, (section_id, heading, content) in enumerate(found.sections):
        start = heading_at[number]
        end = heading_at[number + 1] if number + 1 < len(heading_at) else len(lines)
        bullets = _item_lines(lines, start, end)
        elements = [li for block in content if block.tag in ("ul", "ol")
                    for li in block if li.tag == "li"]
        items = tuple(
            ListItem(text.of(li), _citations_in(li), _latest_date(li),
                     first_line + (bullets[n] if n < len(bullets) else start))
            for n, li in enumerate(elements))
        sections.append(Section(section_id, text.of(heading), text.of(*content), items,
                                first_line + start))
    return tuple(sections)


# --------------------------------------------------------------------------- conversion


def convert(body: str, lang: str = "en", *, first_line: int = 1,
            notes: Mapping[str, str] | None = None) -> ConvertedBody:
    """Convert a Markdown body once, into its sanitised HTML and its parts.

    `lang` is the language of the text (for "As of" dates); `first_line` the line of the
    file the body starts on (lines in the result count from it). `notes` are footnote texts
    by id (a rumour's sources): those the body cites are added as footnotes, in the order
    first cited, and the footnote list is left out of the HTML (the page lists the sources
    itself).
    """
    lines, markers = _scan(body, first_line)
    citations = tuple(dict.fromkeys(m.value for m in markers["references"]))
    source = body
    if notes is not None:
        cited = [f"[^{c}]: {notes[c]}" for c in citations if c in notes]
        source = body + "\n\n" + "\n".join(cited) + "\n"
    md, parts = _converter()
    md.text_lang = lang
    parts.found.drop_footnotes = notes is not None
    raw_html = md.convert(source)
    text = _Text(md)
    root = parts.found.root
    return ConvertedBody(
        html=Markup(sanitise(raw_html)),  # noqa: S704 - sanitised here
        text=text.of(*root) if root is not None else "",
        sections=_sections(parts.found, lines, first_line, text),
        citations=citations,
        **markers,
    )


def render(text: str, lang: str = "en") -> Markup:
    """Render Markdown (with footnotes, tables, heading ids, dated facts) to sanitised HTML;
    `lang` is the language of the text (for the "As of" dates)."""
    return convert(text, lang).html


def plain_text(text: str) -> str:
    """Render Markdown to plain text: no markup, no footnote markers, folded whitespace."""
    return convert(text).text


def inline(text: str) -> Markup:
    """Render one line of Markdown without the surrounding paragraph."""
    rendered = str(render(text)).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)  # noqa: S704 - came out of render(), already sanitised
