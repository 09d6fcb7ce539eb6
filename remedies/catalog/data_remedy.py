"""A remedy file (catalog.data_format) made into a remedy like any other: an EnvRemedy whose
edit is its `[what]`, whose settings files are changed where they set the same variables,
whose `[when]` doctor evaluates, and whose `[proof]` verify checks against the request the
real client sent."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from remedies.catalog.data_format import RemedySpec
from remedies.catalog.interface import EnvRemedy, MachineProposal, Proposal
from remedies.claude.diagnosis import Diagnosis, Finding, Recommendation
from remedies.claude.installs import ClaudeOnPath
from remedies.claude.known_issues import parse_version
from remedies.claude.region import earlier_pin
from remedies.claude.settings_files import ENV, LoadedSettings, load, settings_files
from remedies.claude.sources import Picture, collect
from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.jsonedit import JsonOp
from remedies.output import display
from shells.base import Shell


def variables(spec: RemedySpec) -> tuple[str, ...]:
    """Every variable the remedy looks at or changes: what doctor must collect for it."""
    when = spec.when
    names = [*when.present, *when.absent, *(n for n, _ in when.matching)]
    names += [n for n, _ in when.set_in]
    names += [n for n, _ in spec.set] + list(spec.unset) + list(spec.move_to_shell)
    return tuple(dict.fromkeys(names))


def settings_ops(loaded: LoadedSettings, spec: RemedySpec) -> list[JsonOp]:
    """A settings file that sets one of the variables gets the remedy's value (its env beats
    every shell), or loses it."""
    env = loaded.env
    ops: list[JsonOp] = [
        (ENV, name, json.dumps(value, ensure_ascii=False))
        for name, value in spec.set
        if name in env and env[name] != value
    ]
    ops += [(ENV, name, None) for name in (*spec.unset, *spec.move_to_shell) if name in env]
    return ops


def settings_values(ctx: Context, names: Sequence[str]) -> list[tuple[str, str]]:
    """What the user's and the project's settings give `names` (the highest wins), for a
    move into the shells. Managed settings are the administrator's: not moved."""
    found: dict[str, str] = {}
    for file in settings_files(ctx):
        if file.scope == "managed":
            continue
        loaded = load(file, display(ctx, file.path))
        if loaded is None:
            continue
        found.update({n: v for n, v in loaded.env.items() if n in names})
    return [(n, found[n]) for n in names if n in found]


def to_remedy(spec: RemedySpec) -> EnvRemedy:
    def propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
        moved = settings_values(ctx, spec.move_to_shell)
        if len(moved) < len(spec.move_to_shell):
            # Moved by an earlier run: the value is in remedy's own block now (idempotent).
            picture = collect(ctx, list(shells), names=spec.move_to_shell)
            done = {n for n, _ in moved}
            moved += [
                (n, v)
                for n in spec.move_to_shell
                if n not in done and (v := earlier_pin(picture, n)) is not None
            ]
        return Proposal(
            edit=EnvEdit(
                unset=spec.unset,
                set=(*spec.set, *moved),
                comment=f"Claude Code: {spec.summary}",
            ),
            notes=tuple(f"see {link}" for link in spec.links[:1]),
            details={"from": spec.origin},
            settings=lambda loaded: settings_ops(loaded, spec),
        )

    def machine(ctx: Context | None, options: Mapping[str, Any]) -> MachineProposal:
        return MachineProposal(env=spec.set, details={"from": spec.origin})

    return EnvRemedy(
        name=spec.name,
        summary=f"{spec.summary} ({spec.worth}).",
        help=f"{spec.summary} ({spec.worth}). Described in {spec.origin}"
        + (f"; see {', '.join(spec.links)}" if spec.links else "")
        + ".",
        propose=propose,
        # Managed settings cannot unset a variable, nor move one: such a remedy has no
        # machine form.
        machine=None if spec.unset or spec.move_to_shell else machine,
        proof=None if spec.proof.empty else spec.proof,
    )


@dataclass(frozen=True)
class Match:
    """Why a remedy's `[when]` holds here: each condition with its evidence."""

    remedy: str
    evidence: tuple[str, ...]  # "CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096 at ~/.zshrc:3"


def evaluate(spec: RemedySpec, picture: Picture, claude: ClaudeOnPath, home: Any) -> Match | None:
    """The remedy's `[when]` against what doctor found; None when any condition fails."""
    when = spec.when
    evidence: list[str] = []
    if when.providers:
        if picture.provider not in when.providers:
            return None
        evidence.append(f"provider {picture.provider}")
    if when.versions:
        from packaging.specifiers import SpecifierSet

        version = parse_version(claude.version) if claude.version else None
        if version is None or version not in SpecifierSet(when.versions):
            return None
        evidence.append(f"Claude Code {claude.version}")
    for name in when.present:
        if not picture.value(name):
            return None
        evidence.append(_where(picture, name, home))
    for name in when.absent:
        if picture.value(name):
            return None
    for name, pattern in when.matching:
        value = picture.value(name)
        if value is None or not re.search(pattern, value):
            return None
        evidence.append(_where(picture, name, home))
    for name, place in when.set_in:
        sources = [s for s in picture.of(name) if s.applies]
        in_settings = [s for s in sources if s.kind.endswith("-settings")]
        elsewhere = [s for s in sources if not s.kind.endswith("-settings")]
        if place == "settings" and (not in_settings or elsewhere):
            return None
        if place == "shell" and not elsewhere:
            return None
        evidence.append(_where(picture, name, home))
    return Match(spec.name, tuple(dict.fromkeys(evidence)))


def _where(picture: Picture, name: str, home: Any) -> str:
    winner = picture.effective(name)
    if winner is None:
        return name
    from remedies.redact import shown

    return f"{name}={shown(name, winner.value)} at {winner.where(home)}"


def with_catalogue(
    diagnosis: Diagnosis, matches: list[Match], specs: Sequence[RemedySpec]
) -> Diagnosis:
    """The problems the remedy files' [when] found, each with its remedy and evidence, after
    the built-in diagnosis; their remedies recommended in their rank order."""
    by_name = {spec.name: spec for spec in specs}
    findings = [
        Finding(
            f"catalogue-{m.remedy}",
            "problem",
            f"{by_name[m.remedy].summary}: {'; '.join(m.evidence)}",
            by_name[m.remedy].links[0] if by_name[m.remedy].links else None,
            remedy=m.remedy,
            evidence=m.evidence,
        )
        for m in matches
    ]
    known = {r.remedy for r in diagnosis.recommendations}
    more = [
        Recommendation(m.remedy, f"remedy apply {m.remedy}", by_name[m.remedy].worth)
        for m in matches
        if m.remedy not in known
    ]
    return replace(
        diagnosis,
        affected=diagnosis.affected or bool(matches),
        findings=[*diagnosis.findings, *findings],
        recommendations=[*diagnosis.recommendations, *more],
    )
