"""Security headers on every response: CSP without inline script, no framing, no sniffing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, has_request_context, request

from rumours.publishing import export_policy as publishing_policy

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in ("camera", "microphone", "geolocation", "payment", "usb")
)


def export_policy(*live_urls: str) -> str:
    """The policy a static copy carries in a <meta> tag: these headers' policy, as
    rumours/publishing/export_policy.py turns it into one for a file host."""
    return publishing_policy.export_policy(CONTENT_SECURITY_POLICY, *live_urls)


def add_headers(response: Response, hsts: bool) -> Response:
    """Set the security headers (without overriding a view that set its own)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if hsts:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    location = headers.get("Location", "")
    if location.startswith(("http://", "https://")) and has_request_context():
        # Werkzeug's own redirects (a missing trailing slash) name the request's Host header;
        # a relative Location cannot be pointed at another site by a forged Host.
        parts = urlsplit(location)
        if f"{parts.scheme}://{parts.netloc}/" == request.host_url:
            headers["Location"] = parts.path + (f"?{parts.query}" if parts.query else "")
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(lambda response: add_headers(response, app.config["HSTS"]))
