"""The content folder's files: which they are, their version, reading one safely, and limits.

The limits keep one hostile or mistaken file from stalling a reload (docs/content-format.md):
size, Markdown density and nesting are checked by linear scans before anything is parsed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from rumours.content import site_identity

MAX_FILE_BYTES = 40 * 1024  # about four times the longest bundled file
MAX_MARKDOWN_NESTING = 16
MAX_HEADINGS = 100
MAX_BODY_LINES = 1000
# Characters that make Python-Markdown's inline patterns work hard, and how many a body may hold.
MAX_MARKUP_CHARACTERS = {"<": 1000, "*": 1000, "_": 1000, "\\": 500, "`": 1000, "](": 300,
                         "&": 1000}
CONTENT_FOLDERS = ("rumours", "pages", "updates")


def content_files(content_dir: Path) -> list[Path]:
    """Every file the library is built from, for change detection (folders, and links out of
    the content folder, are left out here and reported by the loader)."""
    content_dir = Path(content_dir)
    root = content_dir.resolve()
    # Images beside site.yml (the city's logo) travel with the content (last good copies).
    logos = sorted(name for name in _names(content_dir)
                   if Path(name).suffix.lower() in site_identity.LOGO_SUFFIXES)
    kept = _inside(content_dir, root, ["site.yml", "synonyms.yml", *logos])  # synonyms: search
    for folder in CONTENT_FOLDERS:
        kept.extend(_inside(content_dir / folder, root,
                            sorted(n for n in _names(content_dir / folder) if n.endswith(".md"))))
    return kept


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _inside(folder: Path, root: Path, names: list[str]) -> list[Path]:
    """The regular files among `names` in `folder` that are inside `root`: the folder is
    resolved once, only links are resolved one by one (thousands of files per load)."""
    try:
        folder_inside = folder.resolve().is_relative_to(root)
    except OSError:
        return []
    kept = []
    for name in names:
        path = folder / name
        try:
            if not path.is_file():
                continue
            if ((path.is_symlink() or not folder_inside)
                    and not path.resolve().is_relative_to(root)):
                continue
        except OSError:
            continue
        kept.append(path)
    return kept


def file_digest(path: Path) -> str:
    """A hash of one content file's bytes ("big"/"unreadable" for what cannot be read; a
    pipe or a device is never opened)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return f"not a file {stat.S_IFMT(info.st_mode)}"
        if info.st_size > MAX_FILE_BYTES:
            return "big"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable {exc.errno}"


def version_of(digests: Iterable[tuple[str, str]]) -> str:
    """The content version from (file name relative to the folder, file digest) pairs, in
    `content_files` order."""
    digest = hashlib.sha256()
    for name, file_hash in digests:
        digest.update(f"{name}\0{file_hash}\0".encode())
    return digest.hexdigest()[:16]


def content_version(content_dir: Path) -> str:
    """A hash of every content file's name and bytes: changes whenever the content does."""
    content_dir = Path(content_dir)
    return version_of((path.relative_to(content_dir).as_posix(), file_digest(path))
                      for path in content_files(content_dir))


def relative_name(path: Path, root: Path) -> str:
    """How problems name a file: relative to the content folder's parent ("content/site.yml")."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_content_bytes(path: Path, root: Path) -> bytes | str:
    """The bytes of a content file, or the reason it cannot be used (text, for the problem):
    a folder, a link out of the content folder, an unreadable or oversized file."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            return ("is a symbolic link to a file outside the content folder; copy the file "
                    "into the folder instead")
        if path.is_dir():
            return "is a folder, not a file: rename or remove it"
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "is not a regular file (a pipe or device?): remove it"
        if info.st_size > MAX_FILE_BYTES:
            return (f"is {info.st_size // 1024} KB; a content file may be at most "
                    f"{MAX_FILE_BYTES // 1024} KB")
        return path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"


def decode_content(data: bytes) -> str:
    """A content file's text; raise UnicodeDecodeError when it is not UTF-8."""
    return data.decode("utf-8").lstrip("\ufeff")


@dataclass(frozen=True)
class SplitFile:
    """A Markdown file cut into its front matter and body (line `body_line` onwards)."""

    front: str
    body: str
    body_line: int


def split_front_matter(text: str) -> SplitFile | tuple[int, str, str]:
    """The file's parts, or (line, field, message) when it has no well-formed front matter."""
    if not text.startswith("---"):
        return (1, "front matter", "the file must start with a '---' line of front matter")
    try:
        front, body = frontmatter.YAMLHandler().split(text)
    except ValueError:
        return (1, "front matter", "no closing '---' line after the front matter")
    return SplitFile(front, body, front.count("\n") + 1)


def markdown_shape_problem(body: str, first_line: int) -> tuple[int, str] | None:
    """Refuse the Markdown constructs that make Python-Markdown slow (deeply nested brackets,
    quotes or lists); a linear scan, so a hostile body costs nothing at reload."""
    for char, limit in MAX_MARKUP_CHARACTERS.items():
        if body.count(char) > limit:
            return (first_line, f"more than {limit} '{char}' characters: Markdown this dense "
                    "would stall the site (use less emphasis, HTML or escaping)")
    lines = body.split("\n")
    if len(lines) > MAX_BODY_LINES:
        return (first_line + MAX_BODY_LINES, f"more than {MAX_BODY_LINES} lines")
    headings = 0
    depth = 0
    for number, line in enumerate(lines):
        if line.startswith("#") or line.startswith(("===", "---")):
            headings += 1
            if headings > MAX_HEADINGS:
                return (first_line + number, f"more than {MAX_HEADINGS} headings")
        stripped = line.lstrip(" >")
        quotes = line[: len(line) - len(stripped)].count(">")
        indent = (len(line) - len(line.lstrip(" \t"))) // 2
        if quotes > MAX_MARKDOWN_NESTING or indent > MAX_MARKDOWN_NESTING * 2:
            return (first_line + number, "quotes or lists nested too deeply")
        depth, problem = _bracket_depth(line, depth)
        if problem:
            return (first_line + number, problem)
        if not line.strip():
            depth = 0
    return None


def _bracket_depth(line: str, depth: int) -> tuple[int, str]:
    for char in line:
        if char in "[(":
            depth += 1
            if depth > MAX_MARKDOWN_NESTING:
                return depth, f"brackets nested more than {MAX_MARKDOWN_NESTING} deep"
        elif char in "])" and depth:
            depth -= 1
    return depth, ""
