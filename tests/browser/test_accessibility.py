"""axe-core in a real Chromium: no WCAG 2 A/AA violations on the main pages, in English and Arabic."""

from __future__ import annotations

import json

import pytest
from live_browser import AXE, shot

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/{lang}/",
    "library": "/{lang}/rumours/",
    "rumour": "/{lang}/rumours/take-our-jobs",
    "search": "/{lang}/search?q=jobs",
    "deck": "/{lang}/cards/",
    "verdicts": "/{lang}/verdicts",
}


@pytest.fixture
def axe_page(browser):
    # axe is injected as a script, which the site's CSP (rightly) forbids: bypass it here only.
    context = browser.new_context(viewport={"width": 412, "height": 915}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_wcag_violations(axe_page, bundled_server, name, lang):
    response = axe_page.goto(bundled_server.url + PAGES[name].format(lang=lang))
    assert response.status == 200
    axe_page.add_script_tag(path=str(AXE))
    result = axe_page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    shot(axe_page, f"axe-{name}-{lang}")
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
