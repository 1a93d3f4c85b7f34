"""The front matter schemas (pydantic): rumours, translations, pages, updates and site.yml.

Each field type turns what a comms team writes into a value, or fails with a message in
plain words ("must be a date written YYYY-MM-DD, not '21/09/2016'"); pydantic supplies the
structure: required and unknown fields, nested lists and sets of fields, and the path of
every error, which rumours/content/validation.py turns into `file:line: field` problems.
What depends on site.yml (verdicts, topics, languages...) is checked after the schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

from rumours.content.model import kind_name, shown

SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
ENTRY = "entry"  # the error type of one bad entry of a list of texts (reported on the list)


def _fail(kind: str, message: str, **context: Any) -> PydanticCustomError:
    # The message is final: braces in it are not template fields.
    return PydanticCustomError(kind, message.replace("{", "{{").replace("}", "}}"), context)


def as_date(value: Any) -> dt.date | None:
    """A date written YYYY-MM-DD (or already a date), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).strip()
        if text:
            return text
        raise _fail("empty", "must not be empty")
    raise _fail("text", f"must be text, not {kind_name(value)}")


def _verdict(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else _text(value)  # verdict: false


def _entry(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _fail(ENTRY, f"each entry must be text, not {shown(value)}")


def _list(value: Any) -> list:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise _fail("list", f"must be a list, not {kind_name(value)}")


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k).lower() if isinstance(k, bool) else str(k): v for k, v in value.items()}
    raise _fail("mapping", f"must be a set of 'key: value' lines, not {kind_name(value)}")


def _date(value: Any) -> dt.date:
    date = as_date(value)
    if date is None:
        raise _fail("date", f"must be a date written YYYY-MM-DD, not {shown(value)}")
    return date


def _source_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if SOURCE_DATE.match(text):
        if len(text) == 10 and as_date(text) is None:
            raise _fail("date", f"{shown(text)} is not a real date")
        return text
    raise _fail("date", f"must be YYYY-MM-DD, YYYY-MM or YYYY, not {shown(value)}")


def _url(value: Any) -> str:
    text = str(value).strip()
    if URL_PATTERN.match(text):
        return text
    raise _fail("url", f"must be an absolute http(s) URL, not {shown(value)}")


def _contact(value: Any) -> dict[str, str]:
    """A line of text, or {text, email, url}."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"text": str(value).strip()}
    if not isinstance(value, dict):
        raise _fail("contact", f"must be text or text/email/url, not {kind_name(value)}")
    unknown = sorted(set(map(str, value)) - {"text", "email", "url"})
    if unknown:
        raise _fail("contact", f"unknown part {shown(unknown[0])} (use text, email, url)")
    contact = {k: str(v).strip() for k, v in value.items() if v is not None}
    if contact.get("email") and not EMAIL_PATTERN.match(contact["email"]):
        raise _fail("contact", f"{shown(contact['email'])} is not an e-mail address",
                    part="email")
    if contact.get("url") and not URL_PATTERN.match(contact["url"]):
        raise _fail("contact", f"must be an absolute http(s) URL, not {shown(contact['url'])}",
                    part="url")
    return contact


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail("bool", f"must be true or false, not {shown(value)}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _fail("int", f"must be a whole number, not {shown(value)}")


Text = Annotated[str, PlainValidator(_text)]
Verdict = Annotated[str, PlainValidator(_verdict)]
Entry = Annotated[str, PlainValidator(_entry)]
TextList = Annotated[list[Entry], BeforeValidator(_list)]
AnyList = Annotated[list[Any], BeforeValidator(_list)]
Mapping = Annotated[dict[str, Any], BeforeValidator(_mapping)]
Date = Annotated[dt.date, PlainValidator(_date)]
OptionalDate = Annotated[dt.date | None, PlainValidator(_date)]  # None only as the default
OptionalText = Annotated[str | None, PlainValidator(_text)]
SourceDate = Annotated[str, PlainValidator(_source_date)]
Url = Annotated[str, PlainValidator(_url)]
Contact = Annotated[dict[str, str], PlainValidator(_contact)]
Bool = Annotated[bool, PlainValidator(_bool)]
Int = Annotated[int, PlainValidator(_int)]


class Fields(BaseModel):
    """A set of fields: unknown ones are refused, listing the known ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sort_known: ClassVar[bool] = True  # list the known fields alphabetically in the message

    @classmethod
    def known_fields(cls) -> str:
        names = list(cls.model_fields)
        return ", ".join(sorted(names) if cls.sort_known else names)


class SourceFields(Fields):
    """One entry of a rumour's `sources`."""

    sort_known: ClassVar[bool] = False
    id: Text
    publisher: Text
    title: Text
    date: SourceDate
    url: Url
    strength: Text
    note: Text = ""
    why_home_page: Text = ""  # why the URL is a publisher's home page, not the article
    why_year_only: Text = ""  # why the date is only a year

    @model_validator(mode="before")
    @classmethod
    def _a_set_of_fields(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise _fail("source", "each source must be a set of fields (id, publisher, title, "
                        "date, url, strength)")
        return value


class RumourFields(Fields):
    """The front matter of a rumour's source file (rumours/<id>.md)."""

    id: Text
    claim: Text
    aliases: Annotated[dict[str, TextList], BeforeValidator(_mapping)] = {}
    verdict: Verdict
    summary: Text
    topics: TextList
    places: TextList
    sources: Annotated[list[SourceFields], BeforeValidator(_list)]
    published: Date
    reviewed: Date
    next_review: Date
    draft: Bool = False
    corrections: AnyList = []


class RumourTranslationFields(Fields):
    """The front matter of a rumour's translation (rumours/<id>.<lang>.md)."""

    claim: Text
    aliases: TextList = []
    summary: Text
    source_fingerprint: OptionalText = None
    status: OptionalText = None
    corrections: AnyList = []
    source_notes: Mapping = {}


class PageFields(Fields):
    """The front matter of a page (pages/<slug>.md)."""

    title: Text
    summary: Text = ""
    order: Int = 100
    draft: Bool = False


class DocumentTranslationFields(Fields):
    """The front matter of a page's or an update's translation."""

    title: Text
    summary: Text = ""
    source_fingerprint: OptionalText = None
    status: OptionalText = None


class UpdateFields(Fields):
    """The front matter of an update (updates/<YYYY-MM-DD-slug>.md)."""

    title: Text
    date: Date
    summary: Text
    rumours: TextList = []
    draft: Bool = False
    updated: OptionalDate = None


class SiteFields(Fields):
    """site.yml: the site's settings and vocabularies."""

    name: Text
    base_url: Url
    default_language: Text
    languages: TextList
    publisher: Mapping
    contact: Contact = {}
    verdicts: Mapping
    topics: Mapping
    places: Mapping
    strengths: Mapping
    search_url: Url = ""
    as_of_max_age_days: Int = 1095
    fallbacks: Mapping = {}
    city: Text = ""
    logo: Text = ""
    colours: Mapping = {}
    team: AnyList = []
    verdict_definitions: Mapping = {}
    report_url: Url = ""
    record_unanswered_searches: Bool = True
