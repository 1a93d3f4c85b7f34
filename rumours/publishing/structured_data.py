"""ClaimReview JSON-LD (schema.org) and share-preview metadata for a rumour page."""

from __future__ import annotations

from babel.core import get_global

from rumours.content.model import Rumour, RumourText, Site
from rumours.content.text_units import cut_at_word

# schema.org / Google's fact-check guidance: claimReviewed "under 75 characters".
CLAIM_REVIEWED_MAX = 74


def short_claim(claim: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """The claim cut at a word boundary to at most `limit` characters, with an ellipsis."""
    return cut_at_word(" ".join(claim.split()), limit)


def og_locale(lang: str) -> str:
    """An OpenGraph locale (language_TERRITORY) for a language code: "es" -> "es_ES"."""
    likely = get_global("likely_subtags").get(lang)
    if likely:
        parts = likely.split("_")
        territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), "")
        if territory:
            return f"{lang}_{territory}"
    return lang


def claim_review(site: Site, rumour: Rumour, text: RumourText, url: str, verdict_label: str,
                 image_url: str | None = None) -> dict:
    """One schema.org ClaimReview for the rumour as shown at `url`.

    `verdict_label` is the verdict in the page's language (reviewRating.alternateName);
    the claim and the review text are in `text.lang`.
    """
    author = {"@type": "Organization", "name": site.publisher.get("name", site.name)}
    if site.publisher.get("url"):
        author["url"] = site.publisher["url"]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": short_claim(text.claim),
        "reviewBody": text.summary,
        "inLanguage": text.lang,
        "datePublished": rumour.published.isoformat(),
        "dateModified": rumour.reviewed.isoformat(),
        "author": author,
        "reviewRating": {"@type": "Rating", "alternateName": verdict_label},
        "itemReviewed": {
            "@type": "Claim",
            "name": text.claim,
            "inLanguage": text.lang,
        },
    }
    if image_url:
        review["image"] = image_url
    return review
