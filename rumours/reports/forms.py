"""The forms (Flask-WTF, so each carries a CSRF token): report a rumour, sign in, triage."""

from __future__ import annotations

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from rumours.reports.accounts import MAX_PASSWORD_CHARS
from rumours.reports.models import (
    HEARD_WHERE,
    MAX_EMAIL_CHARS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_REPORT_CHARS,
    STATUSES,
)
from rumours.reports.store import InvalidReport, check_email, clean_text

HEARD_WHERE_LABELS = {
    "street": _l("In the street, a shop or a bar"),
    "social-media": _l("On social media"),
    "messaging-app": _l("In a messaging app (WhatsApp, Telegram…)"),
    "school": _l("At school"),
    "work": _l("At work"),
    "other": _l("Somewhere else"),
}
STATUS_LABELS = {
    "new": _l("New (not decided yet)"),
    "duplicate": _l("Duplicate of another report"),
    "answered": _l("Answered by an existing entry"),
    "needs-entry": _l("Needs a new entry"),
    "rejected": _l("Rejected"),
}


def _text_length(_form, field) -> None:
    """At most MAX_REPORT_CHARS characters as stored (a browser sends line breaks as two)."""
    if len(clean_text(field.data or "")) > MAX_REPORT_CHARS:
        raise ValidationError(gettext("Please shorten it to %(limit)s characters at most.",
                                      limit=format_number(MAX_REPORT_CHARS)))


def _not_blank(_form, field) -> None:
    if not clean_text(field.data or ""):
        raise ValidationError(_l("Please write what you heard."))


class ReportForm(FlaskForm):
    """Tell the city about a rumour. The language is the page's; nothing else is collected."""

    text = TextAreaField(validators=[InputRequired(_l("Please write what you heard.")),
                                     _not_blank, _text_length])
    heard_where = RadioField(choices=list(HEARD_WHERE), validators=[Optional()],
                             validate_choice=True)
    contact_email = StringField(validators=[Optional(), Length(max=MAX_EMAIL_CHARS)])
    contact_consent = BooleanField()
    website = StringField()  # the honeypot: hidden from people, filled in by robots

    def validate_contact_email(self, field) -> None:
        try:
            check_email(field.data or "")
        except InvalidReport:
            raise ValidationError(
                _l("This does not look like an e-mail address (name@example.org).")) from None
        if not self.contact_consent.data:
            raise ValidationError(_l("Tick the box below to let us keep your address, or "
                                     "leave the address empty."))


class LoginForm(FlaskForm):
    """Sign in to the inbox."""

    name = StringField(validators=[InputRequired(), Length(max=MAX_NAME_CHARS)])
    password = PasswordField(validators=[InputRequired(), Length(max=MAX_PASSWORD_CHARS)])


class TriageForm(FlaskForm):
    """The team's decision about one report."""

    status = RadioField(choices=list(STATUSES), validators=[InputRequired()])
    rumour_id = SelectField(choices=[], validate_choice=False)
    duplicate_of = IntegerField(validators=[Optional(), NumberRange(min=1)])
    note = TextAreaField(validators=[Optional(), Length(max=MAX_NOTE_CHARS)])


class LogoutForm(FlaskForm):
    """Sign out (a POST with a CSRF token, so no other site can sign someone out)."""
