"""The web application: app factory, HTTP, caching, templates and views."""
