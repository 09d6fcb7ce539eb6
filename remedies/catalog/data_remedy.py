"""A remedy file (catalog.data_format) made into a remedy like any other: an EnvRemedy whose
edit is its `[what]`, whose settings files are changed where they set the same variables,
whose `[when]` doctor evaluates, and whose `[proof]` verify checks against the request the
real client sent."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from remedies.catalog import linear_regex
from remedies.catalog.data_format import RemedySpec, When
from remedies.catalog.data_options import Current, option_params, option_values
from remedies.catalog.data_sources import BUILT_IN
from remedies.catalog.interface import EnvRemedy, MachineProposal, Proposal
from remedies.catalog.rename import kept_names, renamed, shell_renames
from remedies.claude.collect import collect
from remedies.claude.config_variables import CREDENTIALS, REDIRECTING, value_refusal
from remedies.claude.diagnosis import Diagnosis, Finding, Recommendation
from remedies.claude.installs import ClaudeOnPath
from remedies.claude.known_issues import parse_version
from remedies.claude.model_ids import fit_to_region
from remedies.claude.region import REGION_VARIABLES, earlier_pin
from remedies.claude.request_proof import fill, with_values
from remedies.claude.settings_files import ENV, LoadedSettings, load, settings_files
from remedies.claude.sources import Picture, Source, mark_winners, users_shell_line
from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.jsonedit import JsonOp
from remedies.errors import BadInput
from remedies.output import display
from shells.base import Shell


def variables(spec: RemedySpec) -> tuple[str, ...]:
    """Every variable the remedy looks at or changes: what doctor must collect for it."""
    when = spec.when
    names = [*when.present, *when.absent, *(n for n, _ in when.matching)]
    names += [n for n, _ in when.set_in]
    names += [n for n, _ in spec.set] + list(spec.unset) + list(spec.move_to_shell)
    names += [n for n, _ in spec.rewrite] + [n for pair in spec.rename for n in pair]
    names += [o.default_variable for o in spec.options if o.default_variable]
    if spec.rewrite:
        names += [*REGION_VARIABLES]
    if spec.rewrite or spec.options:
        names.append("AWS_PROFILE")  # the profile a lookup of its region reads
    return tuple(dict.fromkeys(names))


# --- options (catalog.data_options) ------------------------------------------------------


def current_values(spec: RemedySpec, picture: Picture | None, home: Any) -> dict[str, Current]:
    """The value each `default_from = "variable:NAME"` has for Claude Code now, where doctor
    finds it (the place that wins: settings over the shells)."""
    found: dict[str, Current] = {}
    for option in spec.options:
        name = option.default_variable
        source = client_source(picture, name) if picture is not None and name else None
        if name and source is not None and source.value and not source.dynamic:
            found[name] = Current(source.value, source.where(home))
    return found


# --- rewrites ----------------------------------------------------------------------------


def rewritten(rule: str, value: str, region: str | None) -> str | None:
    """A rule's new value, or None when the value is right already. Rules are code:
    data_format.RULES names them."""
    if rule == "region-prefix":
        return fit_to_region(value, region)
    raise AssertionError(rule)  # the format admits no other


def client_source(picture: Picture, name: str) -> Source | None:
    """What Claude Code itself uses for `name`: ~/.aws/config is not read before 2.1.172."""
    winner = picture.effective(name)
    return None if winner is None or winner.kind == "aws-config" else winner


def client_region(picture: Picture) -> str | None:
    for name in REGION_VARIABLES:
        source = client_source(picture, name)
        if source is not None and source.value:
            return source.value.strip()
    return None


def shell_rewrites(spec: RemedySpec, picture: Picture) -> list[tuple[str, str, Source]]:
    """The rewrite variables a new shell gets with a value the rule changes (a value set
    only in settings is changed there, not copied into the shells)."""
    region = client_region(picture)
    found = []
    for name, rule in spec.rewrite:
        winner = users_shell_line(picture, name)
        pinned = earlier_pin(picture, name)
        if winner is None and pinned is not None:
            # Rewritten by an earlier run (the user's line is disabled): keep it (idempotent).
            ours = next(s for s in picture.of(name) if s.ours)
            found.append((name, pinned, ours))
            continue
        if winner is None or winner.value is None:
            continue
        new = rewritten(rule, winner.value, region)
        if new is not None:
            found.append((name, new, winner))
    return found


def settings_ops(
    loaded: LoadedSettings,
    spec: RemedySpec,
    values: Mapping[str, str] | None = None,
    region: str | None = None,
    *,
    kept: frozenset[str] = frozenset(),
) -> list[JsonOp]:
    """The edits that make one settings file what settings_after says."""
    env = loaded.env
    found = loaded.document.get("model")
    model = found if isinstance(found, str) else None
    after, new_model = settings_after(spec, env, model, values, region, kept=kept)
    ops: list[JsonOp] = [
        (ENV, name, json.dumps(value, ensure_ascii=False))
        for name, value in after.items()
        if env.get(name) != value
    ]
    if new_model != model and new_model is not None:
        ops.append(((), "model", json.dumps(new_model, ensure_ascii=False)))
    ops += [(ENV, name, None) for name in env if name not in after]
    return ops


def settings_after(
    spec: RemedySpec,
    env: Mapping[str, str],
    model: str | None,
    values: Mapping[str, str] | None = None,
    region: str | None = None,
    *,
    kept: frozenset[str] = frozenset(),
) -> tuple[dict[str, str], str | None]:
    """A settings env (and `model`) as the remedy leaves it: a variable it sets gets its
    value where the settings set it (their env beats every shell), one it unsets or moves to
    the shells is gone, a rewrite rule changes the values it covers (and the `model` that
    /model writes, when ANTHROPIC_MODEL is rewritten), a renamed one has its new name (unless
    the new name is set here, or elsewhere: `kept`, catalog.rename). For one file (apply) or
    the merged settings a probe is given (check's run with the remedy)."""
    after = renamed(spec, env, kept)
    for name, value in filled(spec, values or {}):
        if name in after:
            after[name] = value
    for name, rule in spec.rewrite:
        new = rewritten(rule, after[name], region) if name in after else None
        if new is not None:
            after[name] = new
    rules = dict(spec.rewrite)
    if "ANTHROPIC_MODEL" in rules and model is not None:
        model = rewritten(rules["ANTHROPIC_MODEL"], model, region) or model
    for name in (*spec.unset, *spec.move_to_shell):
        after.pop(name, None)
    return after, model


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
    def values_here(
        ctx: Context, picture: Picture | None, options: Mapping[str, Any]
    ) -> dict[str, str]:
        # A lookup reads the profile a new shell selects, not only this process's.
        env = {n: v for n in ("AWS_PROFILE",) if picture and (v := picture.value(n))}
        current = current_values(spec, picture, ctx.home)
        return option_values(ctx, spec, options, {**ctx.env, **env}, current)

    def propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
        picture = collect(ctx, list(shells), names=variables(spec)) if _wants(spec) else None
        values = values_here(ctx, picture, options)
        proof_runs(spec, values)
        renames = shell_renames(spec, picture) if picture is not None else None
        kept = kept_names(spec, picture)
        # A value a settings file would carry is held to its new name's shape before any
        # file is planned (a bad one: exit 2, nothing written).
        renamed(spec, dict(settings_values(ctx, [old for old, _ in spec.rename])), kept)
        moved = settings_values(ctx, spec.move_to_shell)
        if len(moved) < len(spec.move_to_shell) and picture is not None:
            # Moved by an earlier run: the value is in remedy's own block now (idempotent).
            done = {n for n, _ in moved}
            moved += [
                (n, v)
                for n in spec.move_to_shell
                if n not in done and (v := earlier_pin(picture, n)) is not None
            ]
        rewrites = shell_rewrites(spec, picture) if picture is not None else []
        sets = filled(spec, values)
        region = client_region(picture) if picture is not None else None
        notes = [
            f"{name} {old.value} becomes {new}, for {region}"
            for name, new, old in rewrites
            if old.value != new
        ]
        return Proposal(
            edit=EnvEdit(
                unset=(*spec.unset, *(renames.unset if renames else ())),
                set=(
                    *sets,
                    *moved,
                    *((n, v) for n, v, _ in rewrites),
                    *(renames.set if renames else ()),
                ),
                comment=f"Claude Code: {spec.summary}",
            ),
            notes=(
                *notes,
                *(renames.notes if renames else ()),
                *redirections(sets),
                *(f"see {link}" for link in spec.links[:1]),
            ),
            details=_details(spec, values),
            settings=lambda loaded: settings_ops(loaded, spec, values, region, kept=kept),
        )

    def machine(ctx: Context | None, options: Mapping[str, Any]) -> MachineProposal:
        values = option_values(ctx, spec, options, {})
        proof_runs(spec, values)
        env = filled(spec, values)
        return MachineProposal(
            env=env,
            notes=redirections(env),
            details=_details(spec, values),
        )

    # Managed settings cannot unset a variable, nor move one, and a rewrite or a rename
    # needs to read the value it changes: such a remedy has no machine form.
    reads_values = spec.unset or spec.move_to_shell or spec.rewrite or spec.rename
    return EnvRemedy(
        name=spec.name,
        summary=spec.listed,
        help=f"{spec.summary} ({spec.worth}). Described in {spec.origin}"
        + (f"; see {', '.join(spec.links)}" if spec.links else "")
        + ".",
        propose=propose,
        options=lambda: option_params(spec),
        machine=None if reads_values else machine,
        proof=None if spec.proof.empty else spec.proof,
        needed_in=lambda env: holds_in(spec, env),
        not_needed=lambda pictures, claude, home: unmet_everywhere(spec, pictures, claude, home),
    )


def unmet_everywhere(
    spec: RemedySpec, pictures: Sequence[Picture], claude: ClaudeOnPath, home: Any
) -> str | None:
    """The first condition of the [when] that fails in the first picture (the user's own new
    terminal), when it holds in none; None when it holds in one. With no version to judge
    (no claude, or one that cannot say), the versions are not judged: remedy does not guess
    that they fail."""
    if claude.version is None:
        spec = replace(spec, when=replace(spec.when, versions=None))
    failed = [judge_when(spec, picture, claude, home) for picture in pictures]
    reasons = [f for f in failed if isinstance(f, str)]
    return reasons[0] if reasons and len(reasons) == len(failed) else None


def holds_in(spec: RemedySpec, env: Mapping[str, str]) -> bool:
    """Whether the [when] of `spec` holds for a new shell with this environment: what apply
    fixes beside the shell the user runs. Only what a shell gives is judged here: the
    client's version and Claude Code's settings are the same for every shell, and the
    shell the user runs is fixed (or not) for them."""
    picture = Picture(mark_winners([Source(n, v, "environment") for n, v in env.items()], None))
    anyhow = replace(spec, when=replace(spec.when, versions=None))
    return evaluate(anyhow, picture, ClaudeOnPath(None), None) is not None


def redirections(sets: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """What a person must know before a remedy file sends Claude Code elsewhere: an endpoint,
    a proxy or a CA decides where requests go, and the credentials they carry go there too;
    a credential decides whose account they go to (claude.config_variables). Said each
    time, never hidden in the diff."""
    from remedies.redact import shown

    notes = []
    for name, value in sets:
        if name in REDIRECTING:
            notes.append(
                f"{name}={shown(name, value)} decides where Claude Code sends its requests, and "
                "your credentials with them: apply it only if you trust where it points"
            )
        elif name in CREDENTIALS:
            notes.append(
                f"{name} (set) decides whose account Claude Code's requests, and your "
                "conversations, go to: apply it only if you know whose it is"
            )
    return tuple(notes)


def filled(spec: RemedySpec, values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The file's `set`, its `{option}`s filled, each value held to its shape
    (claude.config_variables.value_refusal): an option's value can make any string."""
    sets = tuple((name, fill(value, values)) for name, value in spec.set)
    for name, value in sets:
        why = value_refusal(name, value)
        if why is not None:
            raise BadInput(f"{spec.origin}: {why}")
    return sets


def _wants(spec: RemedySpec) -> bool:
    return bool(spec.move_to_shell or spec.rewrite or spec.rename or spec.options)


@dataclass(frozen=True)
class Match:
    """Why a remedy's `[when]` holds here: each condition with its evidence."""

    remedy: str
    evidence: tuple[str, ...]  # "CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096 at ~/.zshrc:3"


def proof_runs(spec: RemedySpec, values: Mapping[str, str]) -> None:
    """BadInput (exit 2, nothing written) when the options make the proof one that cannot
    run (a model starting with "-", a prompt naming a file): verify would otherwise fail on
    every run until it is reverted (found by review)."""
    trouble = with_values(spec.proof, values).trouble()
    if trouble is not None:
        raise BadInput(f"{spec.origin}: [proof] {trouble}, with the options given")


def _details(spec: RemedySpec, values: Mapping[str, str]) -> dict[str, Any]:
    """What the journal keeps of an apply: the file it came from, the options it was given,
    and its proof with them filled in (verify proves a remedy applied from a file by path,
    and that file may be gone since)."""
    details: dict[str, Any] = {"from": spec.origin}
    if values:
        details["options"] = dict(values)
    if not spec.proof.empty:
        details["proof"] = with_values(spec.proof, values).to_json()
    return details


def evaluate(spec: RemedySpec, picture: Picture, claude: ClaudeOnPath, home: Any) -> Match | None:
    """The remedy's `[when]` against what doctor found; None when any condition fails, and
    for a file whose [when] says nothing (it would be "found" on every run: issue 26)."""
    if not has_conditions(spec):
        return None
    judged = judge_when(spec, picture, claude, home)
    return judged if isinstance(judged, Match) else None


def origin_shown(spec: RemedySpec) -> str:
    """Where a remedy file comes from, for a person: "packaged", or its path as shown."""
    return "packaged" if spec.origin.startswith(BUILT_IN) else spec.origin


def has_conditions(spec: RemedySpec) -> bool:
    """Whether [when] says anything: its keys, or the condition a rewrite or a rename
    implies. One with none would hold everywhere."""
    return spec.when != When() or bool(spec.rewrite or spec.rename)


def within_versions(version: str | None, versions: str) -> bool:
    """Whether a client's version is in a [when] versions range (an unknown one is not)."""
    from packaging.specifiers import SpecifierSet

    parsed = parse_version(version) if version else None
    return parsed is not None and parsed in SpecifierSet(versions)


def judge_when(spec: RemedySpec, picture: Picture, claude: ClaudeOnPath, home: Any) -> Match | str:
    """The remedy's `[when]` against what doctor found: the Match, or the first condition
    that fails, in words ("Claude Code's provider here is bedrock, not vertex")."""
    when = spec.when
    evidence: list[str] = []
    if when.providers:
        if picture.provider not in when.providers:
            wanted = " or ".join(when.providers)
            return f"Claude Code's provider here is {picture.provider}, not {wanted}"
        evidence.append(f"provider {picture.provider}")
    if when.versions:
        if not within_versions(claude.version, when.versions):
            return f"Claude Code {claude.version or '(version unknown)'} is not {when.versions}"
        evidence.append(f"Claude Code {claude.version}")
    for name in when.present:
        if not _client_value(picture, name):
            return f"Claude Code gets no {name}"
        evidence.append(_where(picture, name, home))
    for name in when.absent:
        if _client_value(picture, name):
            return f"Claude Code gets {name} ({_where(picture, name, home)})"
        evidence.append(f"no {name}")
    for name, pattern in when.matching:
        value = _client_value(picture, name)
        # Linear time, and a value over linear_regex.MAX_TEXT characters never matches.
        if value is None or not linear_regex.search(pattern, value):
            return (
                f"Claude Code's {name} does not match {pattern}"
                if value
                else (f"Claude Code gets no {name}")
            )
        evidence.append(_where(picture, name, home))
    for name, place in when.set_in:
        sources = [s for s in picture.of(name) if s.applies]
        in_settings = [s for s in sources if s.kind.endswith("-settings")]
        elsewhere = [s for s in sources if not s.kind.endswith("-settings")]
        if place == "settings" and (not in_settings or elsewhere):
            return f"{name} is not set in Claude Code's settings alone"
        if place == "shell" and not elsewhere:
            return f"no shell sets {name}"
        evidence.append(_where(picture, name, home))
    if spec.rename:
        # A rename's problem is "OLD is set": needed only where Claude Code gets one of the
        # old names, so after the fix nothing matches (catalog.rename).
        olds = [old for old, _new in spec.rename if _client_value(picture, old)]
        if not olds:
            return f"Claude Code gets no {' and no '.join(old for old, _ in spec.rename)}"
        evidence += [_where(picture, old, home) for old in olds]
    if spec.rewrite:
        # Only where the rule would change a value: after the fix, nothing matches.
        changes = _rewrite_evidence(spec, picture, home)
        if not changes:
            return "no value here is one its rule rewrites"
        evidence += changes
    return Match(spec.name, tuple(dict.fromkeys(evidence)))


def _client_value(picture: Picture, name: str) -> str | None:
    source = client_source(picture, name)
    return None if source is None else source.value


def _rewrite_evidence(spec: RemedySpec, picture: Picture, home: Any) -> list[str]:
    region = client_region(picture)
    found = []
    rules = dict(spec.rewrite)
    names = [*rules, *(["model"] if "ANTHROPIC_MODEL" in rules else [])]
    for name in names:
        rule = rules.get(name, rules.get("ANTHROPIC_MODEL", ""))
        source = client_source(picture, name)
        if source is None or source.value is None or source.dynamic:
            continue
        new = rewritten(rule, source.value, region)
        if new is not None:
            found.append(f"{_where(picture, name, home)}, for {region}: {new}")
    return found


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
        Recommendation(
            m.remedy,
            f"remedy apply {m.remedy}",
            by_name[m.remedy].worth,
            origin=origin_shown(by_name[m.remedy]),
        )
        for m in matches
        if m.remedy not in known
    ]
    return replace(
        diagnosis,
        affected=diagnosis.affected or bool(matches),
        findings=[*diagnosis.findings, *findings],
        recommendations=[*diagnosis.recommendations, *more],
    )
