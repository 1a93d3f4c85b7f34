"""rumours.content.draft_preview: in `rumours serve --dev`, a draft that does not validate yet is shown
as it is, with its problems beside its fields, instead of a 404 or the last good version."""

from __future__ import annotations

import re

from click.testing import CliRunner
from live_server import wait_for

from rumours.cli import main


def text(response) -> str:
    return response.get_data(as_text=True)



def test_a_fresh_rumours_new_file_is_previewable_with_its_problems_in_place(dev_app,
                                                                            content_dir):
    result = CliRunner().invoke(main, ["new", "They steal our bikes"],
                                env={"RUMOURS_CONTENT": str(content_dir)})
    assert result.exit_code == 0, result.output
    client = dev_app.test_client()
    # The preview's watcher reloads in the background: requests never wait for it. The file
    # is shown from disk at once; its problems once the watcher has checked it (the page's
    # live-reload script then reloads it).
    problems = re.compile(r"It has \d+ problems to fix before it can be published")
    assert wait_for(lambda: problems.search(text(client.get("/en/rumours/they-steal-our-bikes"))))
    response = client.get("/en/rumours/they-steal-our-bikes")
    assert response.status_code == 200
    page = text(response)
    assert "Draft preview of content/rumours/they-steal-our-bikes.md." in page
    assert re.search(r"It has \d+ problems to fix before it can be published", page)
    assert "They steal our bikes" in page
    # Each problem sits beside its field: the verdict's under the verdict, and so on.
    verdict = page.index('class="verdict-line"')
    summary = page.index('class="answer"')
    assert verdict < page.index("<code>verdict</code>") < summary
    assert "<code>summary</code>" in page[summary:page.index('class="rumour-claim"')]
    sources = page[page.index('id="sources-title"'):]
    assert "<code>sources[1].url</code>" in sources
    assert "<code>sources[1].publisher</code>" in sources
    # The body renders too, with its footnote named as a source.
    assert 'id="facts"' in page and 'aria-label="Source 1"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_a_broken_edit_of_a_published_entry_shows_the_edit_with_its_errors(dev_app,
                                                                           content_dir):
    client = dev_app.test_client()
    assert "Draft preview" not in text(client.get("/en/rumours/take-our-jobs"))
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "They take our jobs", "They take all our jobs", 1).replace(
        "topics: [work]", "topics: [work"), encoding="utf-8")
    assert wait_for(lambda: dev_app.extensions["rumours"].errors)
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert "Draft preview of content/rumours/take-our-jobs.md." in page
    assert "They take all our jobs" in page  # the edit, not the last good version
    assert "a list opened with &#39;[&#39; on line 11 is not closed" in page
    assert "Line 11" in page


def test_the_public_site_never_shows_a_preview(client, content_dir):
    (content_dir / "rumours" / "half-written.md").write_text(
        "---\nid: half-written\nclaim: x\n---\n", encoding="utf-8")
    assert client.get("/en/rumours/half-written").status_code == 404
    assert client.get("/en/rumours/..%2Fsite").status_code == 404
