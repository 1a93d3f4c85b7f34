"""A small, real content folder for tests: rumours, a translation, a draft, a page, an update."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONTENT = ROOT / "content"

JOBS = """\
---
id: take-our-jobs
claim: "They take our jobs"
aliases:
  en: ["immigrants steal our jobs", "no work left for locals", "they work for less"]
  es: ["nos quitan el trabajo", "vienen a quitarnos el curro"]
verdict: "false"
summary: >-
  Research over decades finds very little effect of immigration on the jobs of people
  already living here.
topics: [work]
places: [spain, united-states]
sources:
  - id: nas-2016
    publisher: National Academies of Sciences, Engineering, and Medicine
    title: The Economic and Fiscal Consequences of Immigration
    date: 2016-09-21
    url: https://www.nationalacademies.org/example
    strength: A
  - id: mil21-2024
    publisher: Spanish Social Security via mil21.es
    title: Foreign affiliates at the end of 2024
    date: 2025-01
    url: https://mil21.es/example
    strength: B
    note: official data reported by the press
published: 2026-01-10
reviewed: 2026-10-01
next_review: 2099-04-01
---

## The facts {#facts}

- Over 10 years or more, the effect on native wages is very small. [^nas-2016]
- About 2.93 million foreign workers paid into Social Security in Spain, 13.7% of the total. [^mil21-2024]
- There is little evidence of any effect on overall native employment. [^nas-2016]

## The real concern {#concern}

People worry about losing work when times are hard.

## How to talk about it {#talk}

Ask: who did you see lose a job, and why? Then talk about the shops and care homes that
need staff.
"""

JOBS_ES = """\
---
claim: "Nos quitan el trabajo"
status: reviewed
aliases: ["los inmigrantes nos roban el empleo"]
summary: >-
  Décadas de investigación muestran muy poco efecto de la inmigración en el empleo de
  quienes ya viven aquí.
source_fingerprint: {fingerprint}
---

## Los hechos {{#facts}}

- En 10 años o más, el efecto sobre los salarios es muy pequeño. [^nas-2016]
- Unos 2,93 millones de trabajadores extranjeros cotizaban en España, el 13,7 % del total. [^mil21-2024]
- Hay poca evidencia de efecto sobre el empleo. [^nas-2016]

## La preocupación real {{#concern}}

Preocupa perder el trabajo cuando vienen mal dadas.

## Cómo hablar de ello {{#talk}}

Pregunta: ¿a quién viste perder el trabajo, y por qué?
"""

PETS = """\
---
id: springfield-pets-geese
claim: "They're eating the pets"
aliases:
  en: ["haitians eat cats", "they eat the geese in the park", "eating dogs springfield"]
verdict: "false"
summary: >-
  Springfield's city government said it had no credible reports of pets being harmed by
  immigrants.
topics: [public-space]
places: [springfield]
sources:
  - id: whio-2024
    publisher: WHIO
    title: City statement on immigration claims
    date: 2024-09
    url: https://whio.com/example
    strength: C
  - id: politifact-2024
    publisher: PolitiFact
    title: Authorities rebut claims
    date: 2024-09-09
    url: https://www.politifact.com/example
    strength: C
published: 2026-02-01
reviewed: 2026-09-15
next_review: 2099-03-15
---

## The facts {#facts}

- The city found no credible reports of pets harmed. [^whio-2024]
- The goose photo was taken in Columbus, not Springfield. [^politifact-2024]
- The rumour began as a second-hand Facebook post. [^politifact-2024]

## The real concern {#concern}

A fast change in a small town is hard to take in.

## How to talk about it {#talk}

Ask where they saw it, and who saw it first.
"""

DRAFT = """\
---
id: secret-draft
claim: "A draft claim nobody should see"
verdict: unproven
summary: Not ready yet.
topics: [work]
places: [spain]
sources:
  - id: only
    publisher: Somebody
    title: Something
    date: 2026-10-02
    url: https://example.org/only
    strength: D
published: 2026-01-01
reviewed: 2026-01-02
next_review: 2099-01-01
draft: true
---

## The facts {#facts}

- One fact. [^only]

## The real concern {#concern}

Worry.

## How to talk about it {#talk}

Talk.
"""

PAGE = """\
---
title: About this library
summary: Who publishes it and how.
order: 1
---
This library is published by the city.
"""

UPDATE = """\
---
title: Springfield set published
date: 2026-10-20
summary: Seven answers from Springfield's FAQ.
rumours: [springfield-pets-geese]
---
We published the Springfield set.
"""


def write(path: Path, text: str) -> Path:
    """Write a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_content(root: Path) -> Path:
    """A small, valid content folder: two rumours, a Spanish translation, a draft, a page."""
    content = root / "content"
    (content / "rumours").mkdir(parents=True)
    shutil.copy(BUNDLED_CONTENT / "site.yml", content / "site.yml")
    for asset in BUNDLED_CONTENT.glob("*.svg"):  # the logo site.yml names
        shutil.copy(asset, content / asset.name)
    write(content / "rumours" / "take-our-jobs.md", JOBS)
    write(content / "rumours" / "springfield-pets-geese.md", PETS)
    write(content / "rumours" / "secret-draft.md", DRAFT)
    write(content / "pages" / "about.md", PAGE)
    write(content / "updates" / "2026-10-20-springfield-set.md", UPDATE)
    from rumours.content.loading import load_library

    fingerprint = load_library(content).rumour("take-our-jobs").fingerprint
    write(content / "rumours" / "take-our-jobs.es.md", JOBS_ES.format(fingerprint=fingerprint))
    return content


