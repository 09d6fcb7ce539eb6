"""One verdict from every kind of new shell a user may start: a problem in any is a problem.

A terminal, a login (what macOS Terminal and iTerm open, and ssh), an IDE's `zsh -c`, of
every shell the user may start (engine.shell_choice.shells_in_use), each read its own files:
a region or a Bedrock switch only in ~/.zprofile reaches login shells only, a ~/.bashrc left
from before a move to zsh still reaches the bash an IDE task starts. Each is judged on its
own picture (claude.collect.draw_each); the verdict is affected when any of them is, and
says which. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from remedies.claude.diagnosis import Diagnosis, Finding, Recommendation
from remedies.claude.sources import Picture, Source


@dataclass(frozen=True)
class Judged:
    """One kind of new shell ("login zsh"), what Claude Code started from it gets, and
    what is wrong there."""

    label: str
    picture: Picture
    diagnosis: Diagnosis

    def to_json(self) -> dict[str, Any]:
        return {
            "shell": self.label,
            "provider": self.picture.provider,
            "affected": self.diagnosis.affected,
        }


@dataclass(frozen=True)
class Verdict:
    """Every kind of new shell judged, the user's own terminal first."""

    judged: tuple[Judged, ...]
    # Shells the user may start that could not be asked (a start-up file that waits), and
    # why: not judged, and said so.
    unasked: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> Judged:
        """The one a person is shown in full: the first that is affected (its winners are
        the lines to fix), else the first (a new terminal of the shell they run)."""
        return next((j for j in self.judged if j.diagnosis.affected), self.judged[0])

    @property
    def affected_in(self) -> tuple[str, ...]:
        return tuple(j.label for j in self.judged if j.diagnosis.affected)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(j.label for j in self.judged)

    def diagnosis(self) -> Diagnosis:
        """The shown one's problems and remedies first, then any other's; each problem
        names the kinds of new shell it holds in, unless it holds in all of them."""
        order = [self.shown, *(j for j in self.judged if j is not self.shown)]
        everyone = set(self.labels)
        seen: dict[tuple[str, str], tuple[Finding, list[str]]] = {}
        for judged in order:
            for finding in judged.diagnosis.findings:
                key = (finding.id, finding.message)
                seen.setdefault(key, (finding, []))[1].append(judged.label)
        findings = [
            replace(finding, shells=() if set(where) == everyone else self._ordered(where))
            for finding, where in seen.values()
        ]
        recommendations: dict[str, Recommendation] = {}
        for judged in order:
            for recommendation in judged.diagnosis.recommendations:
                recommendations.setdefault(recommendation.remedy, recommendation)
        return Diagnosis(
            any(j.diagnosis.affected for j in self.judged),
            findings,
            list(recommendations.values()),
        )

    def _ordered(self, labels: list[str]) -> tuple[str, ...]:
        return tuple(label for label in self.labels if label in labels)

    def winner_in(self, source: Source) -> tuple[str, ...]:
        """The kinds of new shell in which this file's line is what Claude Code uses (the
        shown picture may list it as having no effect: a login file, another shell's)."""
        if source.path is None or source.line is None:
            return ()
        return tuple(
            j.label
            for j in self.judged
            if any(
                s.effective and (s.var, s.path, s.line) == (source.var, source.path, source.line)
                for s in j.picture.sources
            )
        )

    def provider_line(self) -> str:
        """ "bedrock in login zsh; anthropic in zsh, zsh -c" or "anthropic" (judged for ...)."""
        by_provider: dict[str, list[str]] = {}
        for judged in self.judged:
            by_provider.setdefault(judged.picture.provider, []).append(judged.label)
        if len(by_provider) == 1:
            return f"{next(iter(by_provider))}  (judged for {', '.join(self.labels)})"
        shown = self.shown.picture.provider
        parts = [shown, *(p for p in by_provider if p != shown)]
        return "; ".join(f"{p} in {', '.join(by_provider[p])}" for p in parts)
