"""Reports written out for the comms team's other tools: CSV (safe to open in a spreadsheet)
and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from rumours.reports.store import ReportView

COLUMNS = ("id", "received_on", "lang", "heard_where", "status", "rumour_id", "duplicate_of",
           "note", "triaged_by", "triaged_at", "contact_email", "contact_until", "text")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def reports_csv(reports: Iterable[ReportView]) -> Iterable[str]:
    """CSV lines (with a header), one report per row, streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for report in reports:
        buffer.seek(0)
        buffer.truncate()
        fields = report.as_dict()
        writer.writerow([spreadsheet_safe(fields[column]) for column in COLUMNS])
        yield buffer.getvalue()


def reports_json(reports: Iterable[ReportView]) -> Iterable[str]:
    """A JSON document {"reports": [...]}, streamed."""
    yield '{"reports": ['
    for index, report in enumerate(reports):
        yield ("," if index else "") + "\n  " + json.dumps(report.as_dict(), ensure_ascii=False)
    yield "\n]}\n"
