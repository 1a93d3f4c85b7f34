"""The city's identity and reading settings in site.yml: fallbacks, name, logo, colours, team.

`load_site` (rumours/content/site_settings.py) hands the values it read here; every problem
is reported through the `report(line, field, message)` callback, with the fix in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
LOGO_SUFFIXES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
                 ".jpeg": "image/jpeg", ".webp": "image/webp"}
MAX_LOGO_BYTES = 256 * 1024
WHITE = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text
# The colours a city may set, and what each is drawn against (both must read: AA).
COLOUR_ROLES = {
    "brand": "the header (white text on it) and links (on the white page)",
    "text": "the text of every page (on the white page)",
}
# Example domains (RFC 2606): a site still on one of these is the demo, not a city's site.
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net", "example.edu")

Report = Callable[[int, str, str], None]


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = []
    for index in (0, 2, 4):
        c = int(value[index:index + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(colour: str, factor: float = 0.7) -> str:
    """The same hue, darker (for hover states)."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return "#" + "".join(f"{int(int(value[i:i + 2], 16) * factor):02x}" for i in (0, 2, 4))


def is_demo(base_url: str) -> bool:
    """Whether base_url is still an example domain (the bundled demo's setting)."""
    host = re.sub(r"^https?://", "", base_url).split("/", 1)[0].split(":", 1)[0].lower()
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def _fallbacks(raw: Mapping, languages: tuple[str, ...], line: Callable,
               report: Report) -> Mapping[str, tuple[str, ...]]:
    chains: dict[str, tuple[str, ...]] = {}
    for lang, chain in raw.items():
        lang = str(lang)
        where = line(f"fallbacks.{lang}")
        if lang not in languages:
            report(where, f"fallbacks.{lang}", f"{lang!r} is not one of the site's languages "
                   f"({', '.join(languages)})")
            continue
        items = chain if isinstance(chain, list) else [chain]
        kept = []
        for item in items:
            code = str(item).strip()
            if code not in languages:
                report(where, f"fallbacks.{lang}", f"{code!r} is not one of the site's "
                       f"languages ({', '.join(languages)})")
            elif code == lang:
                report(where, f"fallbacks.{lang}", "a language cannot fall back to itself")
            elif code not in kept:
                kept.append(code)
        chains[lang] = tuple(kept)
    return MappingProxyType(chains)


def _colours(raw: Mapping, line: Callable, report: Report) -> Mapping[str, str]:
    colours: dict[str, str] = {}
    for role, value in raw.items():
        role = str(role)
        where = line(f"colours.{role}")
        if role not in COLOUR_ROLES:
            report(where, f"colours.{role}", f"unknown colour (use: {', '.join(COLOUR_ROLES)})")
            continue
        colour = str(value).strip()
        if not HEX_COLOUR.match(colour):
            report(where, f"colours.{role}", f"{colour!r} is not a colour written #rrggbb "
                   "(quote it: \"#1d4e89\")")
            continue
        ratio = contrast_ratio(colour, WHITE)
        if ratio < MIN_CONTRAST:
            report(where, f"colours.{role}",
                   f"{colour} has a contrast of {ratio:.2f}:1 with white; it is used for "
                   f"{COLOUR_ROLES[role]} and needs at least {MIN_CONTRAST}:1 (WCAG AA): "
                   "choose a darker colour")
            continue
        colours[role] = colour.lower()
    return MappingProxyType(colours)


def _logo(value: str, content_dir: Path, where: int, report: Report) -> str:
    name = str(value).strip()
    path = (content_dir / name).resolve()
    suffix = path.suffix.lower()
    if suffix not in LOGO_SUFFIXES:
        report(where, "logo", f"{name!r} must be an image file in the content folder "
               f"({', '.join(LOGO_SUFFIXES)})")
        return ""
    if not path.is_relative_to(content_dir.resolve()):
        report(where, "logo", "must be a file inside the content folder")
        return ""
    if not path.is_file():
        report(where, "logo", f"{name!r} does not exist in the content folder")
        return ""
    if path.stat().st_size > MAX_LOGO_BYTES:
        report(where, "logo", f"is larger than {MAX_LOGO_BYTES // 1024} KB: use a smaller file")
        return ""
    return path.relative_to(content_dir.resolve()).as_posix()


def _team(raw: list, where: int, report: Report) -> tuple[Mapping[str, str], ...]:
    team = []
    for index, member in enumerate(raw, 1):
        field = f"team[{index}]"
        if isinstance(member, str):
            member = {"name": member}
        if not isinstance(member, dict):
            report(where, field, "each member is a name, or name/role/url lines")
            continue
        unknown = sorted(set(map(str, member)) - {"name", "role", "url"})
        if unknown:
            report(where, field, f"unknown part {unknown[0]!r} (use name, role, url)")
            continue
        entry = {k: str(v).strip() for k, v in member.items() if v is not None}
        if not entry.get("name"):
            report(where, f"{field}.name", "missing: who is it?")
            continue
        if entry.get("url") and not URL.match(entry["url"]):
            report(where, f"{field}.url", f"must be an absolute http(s) URL, not "
                   f"{entry['url'][:60]!r}")
            continue
        team.append(MappingProxyType(entry))
    return tuple(team)


def read_identity(values: Mapping[str, Any], lines: Mapping[str, int],
                  languages: tuple[str, ...], verdicts: Mapping[str, str],
                  content_dir: Path, report: Report) -> dict[str, Any]:
    """The Site fields for fallbacks, city, logo, colours, team and verdict definitions."""

    def line(key: str) -> int:
        return lines.get(key, lines.get(key.split(".", 1)[0], 1))

    out: dict[str, Any] = {
        "fallbacks": _fallbacks(values.get("fallbacks", {}), languages, line, report),
        "colours": _colours(values.get("colours", {}), line, report),
        "team": _team(values.get("team", []), line("team"), report),
        "city": values.get("city", ""),
        "logo": _logo(values["logo"], content_dir, line("logo"), report)
        if values.get("logo") else "",
    }
    definitions = {}
    for verdict, text in values.get("verdict_definitions", {}).items():
        verdict = str(verdict).lower() if isinstance(verdict, bool) else str(verdict)
        if verdict not in verdicts:
            report(line(f"verdict_definitions.{verdict}"), "verdict_definitions",
                   f"{verdict!r} is not a verdict (use one of: {', '.join(verdicts)})")
        elif str(text).strip():
            definitions[verdict] = " ".join(str(text).split())
    out["verdict_definitions"] = MappingProxyType(definitions)
    return out
