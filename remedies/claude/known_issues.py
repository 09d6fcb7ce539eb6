"""The known problems remedy can diagnose, as data: a version range, a provider, a model.

From the public record (docs/claude-code.md, "Body betas by version"):
anthropics/claude-code#49238 (2.1.111, Opus 4.7 on Bedrock, 400 invalid beta flag; no fix
version in the changelog, so versions below 2.1.113 are treated as affected, a setting), and
#56595 (a regression reported in 2.1.129).
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

# The first version treated as fixed. A setting: --fixed-version or REMEDY_FIXED_VERSION.
DEFAULT_FIXED_VERSION = "2.1.113"
# Claude Code can use the Mantle endpoint from this version on (docs/claude-code.md,
# "Mantle minimum version").
MANTLE_MIN_VERSION = "2.1.94"


@dataclass(frozen=True)
class KnownIssue:
    id: str
    title: str
    versions: str  # a packaging specifier set
    provider: str
    reference: str
    remedies: tuple[str, ...]  # best first

    def covers(self, version: Version | None) -> bool:
        """Whether this version is affected; an unknown version is assumed to be."""
        from packaging.specifiers import SpecifierSet  # only when a version is checked

        return version is None or SpecifierSet(self.versions).contains(version, prereleases=True)


def known_issues(fixed_version: str = DEFAULT_FIXED_VERSION) -> list[KnownIssue]:
    return [
        KnownIssue(
            id="invalid-beta-flag",
            title="API Error: 400 invalid beta flag (Opus 4.7 on bedrock-runtime rejects "
            "anthropic_beta in the request body)",
            versions=f"<{fixed_version}",
            provider="bedrock",
            reference="https://github.com/anthropics/claude-code/issues/49238",
            remedies=("mantle", "upgrade", "extra-body"),
        ),
        KnownIssue(
            id="invalid-beta-flag-regression",
            title="API Error: 400 on Bedrock, anthropic_beta back in the body (regression "
            "reported in 2.1.129)",
            versions="==2.1.129",
            provider="bedrock",
            reference="https://github.com/anthropics/claude-code/issues/56595",
            remedies=("mantle", "upgrade", "extra-body"),
        ),
    ]


def parse_version(text: str | None) -> Version | None:
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None
