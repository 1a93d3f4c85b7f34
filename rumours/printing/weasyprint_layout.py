"""Reading where WeasyPrint put things: the one place that may use WeasyPrint's internals.

Card fitting needs the height of laid-out elements and a check that nothing overflows a
card. Two readers answer the same questions:

- `BoxReader` walks WeasyPrint's layout boxes (`Page._page_box`, private). It measures any
  element with an id and also catches a word sticking out sideways or a line below a card.
  Used only with the WeasyPrint versions it was written and tested for (SUPPORTED); a
  document whose pages lack the boxes is read by the public reader instead.
- `AnchorReader` uses only the public API: `Page.anchors`, the documented (x, y) point of
  every element with an id. An element's height is the distance from its anchor to the
  anchor of the empty end mark after it (`<id>-end`, in the templates and measurement
  documents). It measures less (only elements with an end mark), so fitting lays out more
  variants, and it checks overflow by the footers' end marks and the index's end mark.

`layout_reader()` picks one by the installed version and logs once which one it uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

import weasyprint

from rumours.printing.dimensions import (
    INDEX_PADDING_MM,
    INNER_MM,
    PX_PER_MM,
    SHEET_MM,
    TOLERANCE_PX,
)

log = logging.getLogger("rumours")

SUPPORTED = ((60, 0), (71, 0))  # WeasyPrint versions whose layout boxes BoxReader reads
END = "-end"  # an end mark's id: the element's id and this
_announced: set[str] = set()


class LayoutReader(Protocol):
    """What card fitting asks of a laid-out WeasyPrint document (lengths in CSS pixels)."""

    name: str
    measures_parts: bool  # heights of any element (facts, tips), not only marked ones

    def heights(self, document, ids: Iterable[str]) -> dict[str, float]:
        """The height of each element with one of these ids laid out on one page."""

    def side_overflows(self, document, side_ids: Iterable[str]) -> list[str]:
        """The card sides (ids of their inner boxes) whose content does not fit them."""

    def index_overflows(self, document, index_id: str) -> bool:
        """Whether the deck's index runs past its first page."""


def version_tuple(version: str) -> tuple[int, ...]:
    """'70.0' -> (70, 0); anything unreadable -> ()."""
    parts = []
    for part in version.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def layout_reader(version: str | None = None, use_internals: bool = True) -> LayoutReader:
    """The reader for this WeasyPrint: its layout boxes when `version` (default: the one
    installed) is in SUPPORTED and they are there, else the public anchors."""
    version = weasyprint.__version__ if version is None else version
    number = version_tuple(version)
    if not use_internals:
        reason = "internals not wanted"
    elif not number or not SUPPORTED[0] <= number < SUPPORTED[1]:
        reason = f"WeasyPrint {version} is outside {SUPPORTED[0]}..{SUPPORTED[1]}"
    else:
        _announce("boxes", "card layout reads WeasyPrint %s's layout boxes", version)
        return BoxReader()
    _announce(reason, "card layout uses WeasyPrint's public anchors (%s)", reason)
    return AnchorReader()


def _announce(key: str, message: str, *args: object) -> None:
    if key not in _announced:
        _announced.add(key)
        log.info(message, *args)


# --------------------------------------------------------------------------- public API


class AnchorReader:
    """Positions from `Page.anchors` (public): tops of elements, ends from their end marks."""

    name = "anchors"
    measures_parts = False

    @staticmethod
    def _tops(document) -> dict[str, tuple[int, float]]:
        """(page index, top y) of every anchor, first occurrence kept."""
        found: dict[str, tuple[int, float]] = {}
        for number, page in enumerate(document.pages):
            for name, point in page.anchors.items():
                found.setdefault(name, (number, point[1]))
        return found

    def heights(self, document, ids: Iterable[str]) -> dict[str, float]:
        tops = self._tops(document)
        out = {}
        for element_id in ids:
            start, end = tops.get(element_id), tops.get(element_id + END)
            if start is not None and end is not None and start[0] == end[0]:
                out[element_id] = end[1] - start[1]
        return out

    def side_overflows(self, document, side_ids: Iterable[str]) -> list[str]:
        tops = self._tops(document)
        bad = []
        for side_id in side_ids:
            marks = [tops.get(side_id + suffix) for suffix in ("", "-flow", "-foot", "-foot-end")]
            if any(mark is None for mark in marks) or len({m[0] for m in marks}) != 1:
                bad.append(side_id)
                continue
            inner, flow, foot, foot_end = (mark[1] for mark in marks)
            if (flow < inner - TOLERANCE_PX or foot < flow
                    or foot_end > inner + INNER_MM[1] * PX_PER_MM + TOLERANCE_PX):
                bad.append(side_id)
        return bad

    def index_overflows(self, document, index_id: str) -> bool:
        tops = self._tops(document)
        start, end = tops.get(index_id), tops.get(index_id + END)
        if start is None or end is None or start[0] != 0 or end[0] != 0:
            return True
        room = (SHEET_MM[1] - INDEX_PADDING_MM) * PX_PER_MM
        return end[1] > start[1] + room + TOLERANCE_PX


# --------------------------------------------------------------------------- internals


class BoxReader:
    """Positions from WeasyPrint's layout boxes (private; versions in SUPPORTED only)."""

    name = "boxes"
    measures_parts = True

    def __init__(self) -> None:
        self.public = AnchorReader()

    @staticmethod
    def page_boxes(document) -> list | None:
        """The root layout box of every page, or None when WeasyPrint has none there."""
        boxes = [getattr(page, "_page_box", None) for page in document.pages]
        if any(box is None or not hasattr(box, "descendants") for box in boxes):
            _announce("no-boxes", "WeasyPrint pages have no layout boxes: card layout uses "
                      "the public anchors")
            return None
        return boxes

    @staticmethod
    def boxes_by_id(page_boxes: list, wanted: set[str]) -> dict[str, list]:
        """Block boxes of the elements with the given ids, with the index of their page;
        of the anonymous boxes inside an element that carry it too, the outermost."""
        found: dict[str, list] = {}
        for number, page_box in enumerate(page_boxes):
            for box in page_box.descendants():
                element = getattr(box, "element", None)
                if element is None or getattr(box, "pseudo_type", None):
                    continue
                box_id = element.get("id")
                if box_id not in wanted or type(box).__name__ != "BlockBox":
                    continue
                if not any(seen == number for seen, _box in found.get(box_id, [])):
                    found.setdefault(box_id, []).append((number, box))
        return found

    def heights(self, document, ids: Iterable[str]) -> dict[str, float]:
        pages = self.page_boxes(document)
        if pages is None:
            return self.public.heights(document, ids)
        found = self.boxes_by_id(pages, set(ids))
        return {box_id: boxes[0][1].margin_height()
                for box_id, boxes in found.items() if len(boxes) == 1}

    def side_overflows(self, document, side_ids: Iterable[str]) -> list[str]:
        """Each side's inner box has the id `<side>`, its text `<side>-flow` and its footer
        `<side>-foot`. A side is bad when its parts are missing or split over pages, the
        footer ends below the box, or any piece of text sticks out of the box sideways."""
        ids = list(side_ids)
        pages = self.page_boxes(document)
        if pages is None:
            return self.public.side_overflows(document, ids)
        wanted = set(ids) | {f"{s}-flow" for s in ids} | {f"{s}-foot" for s in ids}
        boxes = self.boxes_by_id(pages, wanted)
        bad = []
        for side_id in ids:
            found = [boxes.get(f"{side_id}{suffix}", []) for suffix in ("", "-flow", "-foot")]
            if (any(len(f) != 1 for f in found) or len({f[0][0] for f in found}) != 1
                    or not _side_fits(*(f[0][1] for f in found))):
                bad.append(side_id)
        return bad

    def index_overflows(self, document, index_id: str) -> bool:
        pages = self.page_boxes(document)
        if pages is None:
            return self.public.index_overflows(document, index_id)
        found = self.boxes_by_id(pages, {index_id}).get(index_id, [])
        if len(found) != 1 or found[0][0] != 0:
            return True
        box = found[0][1]
        return _lines_below(box, box.content_box_y() + box.height)


def _side_fits(inner, flow, foot) -> bool:
    """The text starts inside the box, ends above the footer, the footer inside the box, and
    no word sticks out sideways nor any line out at the bottom."""
    left, right = inner.content_box_x(), inner.content_box_x() + inner.width
    top, bottom = inner.content_box_y(), inner.content_box_y() + inner.height
    flow_bottom = flow.position_y + flow.margin_height()
    foot_bottom = foot.position_y + foot.margin_height()
    if (flow.position_y < top - TOLERANCE_PX or flow_bottom > foot.position_y + TOLERANCE_PX
            or foot_bottom > bottom + TOLERANCE_PX):
        return False
    return not _text_sideways(inner, left, right) and not _lines_below(inner, bottom)


def _text_sideways(box, left: float, right: float) -> bool:
    return any(type(child).__name__ == "TextBox"
               and (child.position_x < left - TOLERANCE_PX
                    or child.position_x + child.width > right + TOLERANCE_PX)
               for child in box.descendants())


def _lines_below(box, bottom: float) -> bool:
    return any(type(child).__name__ == "LineBox"
               and child.position_y + child.height > bottom + TOLERANCE_PX
               for child in box.descendants())
