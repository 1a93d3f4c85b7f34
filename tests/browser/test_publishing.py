"""Publishing in a real Chromium: preview pages reload on save; the static copy searches offline."""

from __future__ import annotations

import shutil

import pytest
from content_fixtures import JOBS, write
from live_browser import LiveServer

from rumours import create_app
from rumours.publishing.export import build_site

pytestmark = pytest.mark.browser


def test_an_open_preview_page_reloads_itself_when_the_file_is_saved(page, content_dir,
                                                                     tmp_path):
    app = create_app({"TESTING": True, "DEV": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "DEV_POLL_INTERVAL": 0.05,
                      "DEV_STREAM_SECONDS": 20})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    with LiveServer(app) as server:
        # The page is listening once its event stream has been answered.
        with page.expect_response(lambda response: "/_dev/events" in response.url):
            page.goto(f"{server.url}/en/rumours/take-our-jobs")
        page.locator("q.claim", has_text="They take our jobs").wait_for()
        write(content_dir / "rumours" / "take-our-jobs.md",
              JOBS.replace("They take our jobs", "Saved from the editor"))
        # Nobody touches the page: it must reload by itself.
        page.locator("q.claim", has_text="Saved from the editor").wait_for(timeout=10_000)
        # A broken save reloads it too, and the banner names the file and the field.
        write(content_dir / "rumours" / "take-our-jobs.md",
              JOBS.replace('verdict: "false"', "verdict: maybe"))
        banner = page.locator(".dev-banner .dev-errors")
        banner.wait_for(timeout=10_000)
        assert "take-our-jobs.md" in banner.inner_text()
        assert "verdict" in banner.inner_text()
    assert errors == []  # no CSP violation, no script error


def test_search_and_filters_work_offline_from_the_folder(page, content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    out = tmp_path / "out"
    assert build_site(app, out).broken == []
    copy = tmp_path / "usb-stick"
    shutil.copytree(out, copy)  # moved elsewhere: nothing may depend on the build path
    shutil.rmtree(out)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: errors.append(request.url))

    page.goto((copy / "es" / "index.html").as_uri())
    page.fill("input[name=q]", "trabajo")
    page.press("input[name=q]", "Enter")
    result = page.locator(".offline-results a.rumour-link").first
    result.wait_for()
    assert result.inner_text() == "Nos quitan el trabajo"
    result.click()
    page.wait_for_url("**/es/rumours/take-our-jobs/index.html")
    assert "Nos quitan el trabajo" in page.locator("q.claim").inner_text()

    # Other words for it, and a phrasing from another language, still find it.
    page.goto((copy / "en" / "index.html").as_uri())
    page.fill("input[name=q]", "pets geese")
    page.press("input[name=q]", "Enter")
    page.locator(".offline-results a.rumour-link").first.wait_for()
    assert "eating the pets" in page.locator(".offline-results a.rumour-link").first \
        .inner_text()

    # The list's filters work offline too.
    page.goto((copy / "en" / "rumours" / "index.html").as_uri())
    page.select_option("#f-topic", "work")
    page.select_option("#f-verdict", "false")
    page.click("form.filters button[type=submit]")
    page.locator(".offline-results a.rumour-link").first.wait_for()
    assert page.locator(".offline-results a.rumour-link").all_inner_texts() == [
        "They take our jobs"]

    # Links into the copy work from file:// (the place link on a rumour page).
    page.goto((copy / "en" / "rumours" / "take-our-jobs" / "index.html").as_uri())
    page.get_by_role("link", name="Spain", exact=True).click()
    page.wait_for_url("**/en/rumours/index.place-spain.html")
    assert "They take our jobs" in page.content()
    assert errors == []
