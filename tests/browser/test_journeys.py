"""Three people, end to end in a real Chromium: a resident, an agent, a comms team member."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from live_browser import LiveServer, shot
from live_server import bump

from rumours import create_app

pytestmark = pytest.mark.browser


def test_resident_searches_reads_switches_to_arabic_and_gets_the_card(page, bundled_server):
    page.goto(bundled_server.url + "/")
    assert page.url.endswith("/en/")
    shot(page, "resident-1-home")
    page.get_by_label(re.compile("What did you hear", re.I)).fill("imigrants take our jobz")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search\?"))
    shot(page, "resident-2-results")
    first = page.locator("main a[href*='/en/rumours/']").first
    assert "take-our-jobs" in first.get_attribute("href")
    first.click()
    page.wait_for_url(re.compile(r"/en/rumours/take-our-jobs$"))
    assert page.locator("h1").inner_text().strip("“”")
    shot(page, "resident-3-rumour")
    page.locator(".lang-switch summary").click()  # the language menu folds on a phone
    page.locator(".lang-switch a[hreflang='ar']").click()
    page.wait_for_url(re.compile(r"/ar/rumours/take-our-jobs$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    shot(page, "resident-4-arabic")
    card = page.locator("a[href$='/card.pdf']").first
    href = card.get_attribute("href")
    assert href.startswith("/ar/rumours/take-our-jobs/card.pdf")
    response = page.request.get(bundled_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"


def test_agent_builds_a_deck(page, bundled_server):
    page.goto(bundled_server.url + "/en/cards/")
    shot(page, "agent-1-deck-builder")
    page.locator(".pick-group summary").first.click()  # topics fold: open the first one
    boxes = page.locator(".pick-group[open] input[type=checkbox][name=ids]")
    assert boxes.count() >= 4
    chosen = []
    for index in range(4):
        boxes.nth(index).check()
        chosen.append(boxes.nth(index).get_attribute("value"))
    assert page.locator("#selected-count").inner_text() == "4 cards selected"
    with page.expect_download() as download_info:
        page.locator("form button[type=submit], form input[type=submit]").last.click()
    download = download_info.value
    path = Path(download.path())
    assert path.read_bytes()[:5] == b"%PDF-"
    asked = parse_qs(urlsplit(download.url).query)
    assert urlsplit(download.url).path == "/en/cards.pdf"
    assert set(",".join(asked["ids"]).split(",")) == set(chosen)


def test_comms_team_edit_updates_the_open_page(page, content_dir, tmp_path):
    content = content_dir  # the small library: the preview works the same on any size
    app = create_app({"DEV": True, "CONTENT_DIR": content, "INSTANCE_DIR": tmp_path / "i"})
    with LiveServer(app) as server:
        page.goto(server.url + "/en/rumours/take-our-jobs")
        shot(page, "comms-1-before-edit")
        source = content / "rumours" / "take-our-jobs.md"
        text = source.read_text(encoding="utf-8")
        claim = re.search(r'^claim: "?(.+?)"?$', text, re.M).group(1)
        source.write_text(text.replace(claim, "Edited live: " + claim, 1), encoding="utf-8")
        # no manual refresh: the open page reloads itself
        page.wait_for_function(
            "() => document.querySelector('.rumour-claim').textContent.includes('Edited live')",
            timeout=15_000)
        shot(page, "comms-2-after-edit")
        broken = source.read_text(encoding="utf-8").replace("verdict:", "verdikt:", 1)
        # The same size as the last edit: its modification time must move on for the
        # watcher to see it, even on file systems that keep whole seconds.
        bump(source, broken)
        page.wait_for_function(
            "() => document.body.textContent.includes('verdikt')", timeout=15_000)
        # The broken edit is previewed as it is, its problem shown beside it.
        assert "Edited live" in page.locator(".rumour-claim").inner_text()
        assert "Draft preview of content/rumours/take-our-jobs.md" in page.locator(
            ".draft-notice").inner_text()
        assert "verdikt" in page.locator(".draft-notice .field-problems").inner_text()
        shot(page, "comms-3-broken-edit")
