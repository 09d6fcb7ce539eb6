"""Reading remedy's --json documents in tests."""

from __future__ import annotations


def runs(doc: dict[str, object]) -> list[dict[str, object]]:
    """verify's runs of the client, one per distinct environment and model."""
    found = doc["runs"]
    assert isinstance(found, list)
    return found
