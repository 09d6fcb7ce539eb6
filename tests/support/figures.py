"""What the adversarial tests tried, counted as they run, for the Safety figures
(docs/safety.md, "The figures").

`make test` prints the totals at the end and saves them to .cache/safety-figures.json.
"""

from __future__ import annotations

import json
from pathlib import Path

COUNTS: dict[str, int] = {}


def add(name: str, n: int = 1) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + n


def save(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(COUNTS.items())), indent=2) + "\n")
