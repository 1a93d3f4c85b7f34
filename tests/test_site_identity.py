"""rumours.content.site_identity: fallback chains, the city's name, logo, colours and team, the demo."""

from __future__ import annotations

import re

import pytest
from content_fixtures import write

from rumours import create_app
from rumours.content.loading import check_content, load_library
from rumours.content.site_identity import contrast_ratio, darker, is_demo


def app_for(content_dir, tmp_path, **config):
    return create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                       "INSTANCE_DIR": tmp_path / "instance", **config})


def edit_site(content_dir, old: str, new: str) -> None:
    site = content_dir / "site.yml"
    text = site.read_text(encoding="utf-8")
    assert old in text, old
    site.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(content_dir) -> list[str]:
    _library, problems = check_content(content_dir)
    return [str(p) for p in problems if p.is_error]


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#1d4e89", "#fff") == pytest.approx(8.39, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under
    assert darker("#1d4e89") == "#14365f"


def test_the_demo_is_recognised_by_its_example_address():
    assert is_demo("https://rumours.example.org")
    assert is_demo("http://www.example.com:8000/base")
    assert not is_demo("https://antirumors.barcelona.cat")
    assert not is_demo("https://example.org.evil.test")


def test_fallback_chains_come_from_site_yml(content_dir):
    site = load_library(content_dir).site
    assert site.chain("ht") == ("ht", "fr", "en")
    assert site.chain("ca") == ("ca", "es", "en")
    assert site.chain("ar") == ("ar", "fr", "en")
    assert site.chain("en") == ("en",)


def test_texts_follow_the_chain_field_by_field_of_the_library(content_dir):
    # take-our-jobs exists in English and Spanish only.
    library = load_library(content_dir)
    jobs = library.rumour("take-our-jobs")
    assert jobs.text("ca").lang == "es"  # Catalan readers read Spanish before English
    assert jobs.text("ht").lang == "en"  # no French either: the default language
    assert jobs.text("es").lang == "es"
    write(content_dir / "rumours" / "take-our-jobs.fr.md",
          (content_dir / "rumours" / "take-our-jobs.es.md").read_text(encoding="utf-8")
          .replace("Nos quitan el trabajo", "Ils nous prennent le travail"))
    library = load_library(content_dir)
    assert library.rumour("take-our-jobs").text("ht").claim == "Ils nous prennent le travail"
    assert library.page("about").text("ht").lang == "en"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  ht: [fr, en]\n", "  ht: [fr, de]\n", "fallbacks.ht: 'de' is not one of the site's"),
    ("  ht: [fr, en]\n", "  ht: [ht]\n", "fallbacks.ht: a language cannot fall back to itself"),
    ("  ht: [fr, en]\n", "  xx: [fr]\n", "fallbacks.xx: 'xx' is not one of the site's"),
    ('  brand: "#1d4e89"', '  brand: "#8899aa"',
     "colours.brand: #8899aa has a contrast of 2.9"),
    ('  text: "#1b1b1b"', '  text: "#999"', "needs at least 4.5:1 (WCAG AA): choose a darker"),
    ('  brand: "#1d4e89"', "  brand: blue", "'blue' is not a colour written #rrggbb"),
    ('  brand: "#1d4e89"', '  accent: "#1d4e89"', "colours.accent: unknown colour"),
    ("logo: logo.svg", "logo: missing.svg", "logo: 'missing.svg' does not exist"),
    ("logo: logo.svg", "logo: ../secrets.svg", "logo: must be a file inside the content"),
    ("logo: logo.svg", "logo: site.yml", "must be an image file"),
    ("    role: Editing and fact-checking", "    role: Editing\n    phone: 123",
     "team[1]: unknown part 'phone'"),
    ("  unproven: >-\n", "  maybe: >-\n", "verdict_definitions: 'maybe' is not a verdict"),
])
def test_identity_mistakes_are_reported_with_the_fix(content_dir, old, new, message):
    (content_dir.parent / "secrets.svg").write_text("<svg/>", encoding="utf-8")
    edit_site(content_dir, old, new)
    found = errors(content_dir)
    assert any(message in problem for problem in found), found
    assert all(problem.startswith("content/site.yml:") for problem in found)


def test_pages_carry_the_citys_identity_and_say_it_is_a_demo(content_dir, tmp_path):
    client = app_for(content_dir, tmp_path).test_client()
    page = client.get("/en/").get_data(as_text=True)
    assert re.search(r'<img class="site-logo" src="/site/logo.svg" alt="" width="32"', page)
    assert '<link rel="stylesheet" href="/site/theme.css">' in page
    assert "For <bdi>Demo city (set your city&#39;s name here)</bdi>." in page
    assert "Editorial team: <bdi>Demo editorial team</bdi> (Editing and fact-checking)" in page
    assert '<p class="demo-banner" role="note">' in page
    theme = client.get("/site/theme.css")
    assert theme.mimetype == "text/css" and "--brand: #1d4e89;" in theme.text
    assert "--ink: #1b1b1b;" in theme.text
    logo = client.get("/site/logo.svg")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert logo.data == (content_dir / "logo.svg").read_bytes()
    assert client.get("/site/logo.png").status_code == 404
    # In Spanish, through the catalogs: the site's and the publisher's names too.
    spanish = client.get("/es/").get_data(as_text=True)
    assert "<title>Rumores: datos contra los rumores</title>" in spanish
    assert "Publicado por <bdi>la biblioteca de demostración Rumores</bdi>." in spanish
    assert "Sitio de demostración" in spanish


def test_a_real_address_removes_the_demo_banner(content_dir, tmp_path):
    edit_site(content_dir, "base_url: https://rumours.example.org",
              "base_url: https://antirumors.city.test")
    edit_site(content_dir, '  brand: "#1d4e89"', '  brand: "#6b2c91"')
    page = app_for(content_dir, tmp_path).test_client().get("/en/").get_data(as_text=True)
    assert "demo-banner" not in page
    theme = app_for(content_dir, tmp_path / "2").test_client().get("/site/theme.css").text
    assert "--brand: #6b2c91;" in theme and "--brand-dark: #4a1e65;" in theme


def test_the_logo_travels_with_the_last_good_copy(content_dir, tmp_path):
    from rumours.content import last_good
    from rumours.content.files import content_files, content_version

    assert content_dir / "logo.svg" in content_files(content_dir)
    saved = tmp_path / "last-good"
    assert last_good.save(content_dir, saved, content_version(content_dir))
    copy = last_good.current(saved)
    assert (copy / "logo.svg").read_bytes() == (content_dir / "logo.svg").read_bytes()
