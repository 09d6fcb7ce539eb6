"""The proofs verify holds the client's requests to (issue 25: verify knew one bug).

Two kinds, each named in a failure with why it is held (claude.request_proof.ProofRole):
- every applied remedy's: the catalogue's, its `{option}`s filled with the values it was
  applied with; for a remedy file applied by path (the catalogue does not know it), the
  proof the journal kept when it was applied, so a file deleted since is still proven;
- every remedy whose problem doctor finds in that kind of new shell (its [when] holds there,
  judged as doctor judges it) and that is not applied: the request must already show what
  its proof says, or Claude Code started from that shell has the problem. A file with an
  empty [when] (and no rename or rewrite, which imply one) finds nothing: it would hold
  everywhere. An `{option}` a proof names is
  filled with the option's default; a clause naming one with none (a value only the person
  applying chooses) is left out.

The journal's values are data: they only ever fill a proof's text, and a kept proof of the
wrong shape is dropped (claude.request_proof.Proof.from_json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from remedies.catalog import registry
from remedies.catalog.data_format import PLACEHOLDER, RemedySpec
from remedies.catalog.data_remedy import evaluate, has_conditions, variables
from remedies.catalog.interface import EnvRemedy
from remedies.catalog.judge import claude_of_each
from remedies.claude.collect import draw_each, read_files
from remedies.claude.installs import find_claude
from remedies.claude.request_proof import NamedProof, Proof, ProofRole, with_values
from remedies.claude.sources import WATCHED
from remedies.context import Context
from remedies.engine.journal import applied_details
from remedies.engine.new_shell import ShellEnv
from shells.base import Shell


def applied_proofs(ctx: Context, applied: Sequence[str]) -> list[NamedProof]:
    """Each applied remedy's proof, as it was applied."""
    details = applied_details(ctx)
    found = []
    for name in applied:
        kept = details.get(name, {})
        given = kept.get("options")
        values = {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}
        remedy = registry.load(name, ctx) if registry.known(name, ctx) else None
        if isinstance(remedy, EnvRemedy):
            proof = with_values(remedy.proof, values) if remedy.proof is not None else None
        elif "proof" in kept:  # a file applied by path: what the journal kept of it
            proof = Proof.from_json(kept["proof"])
            if proof is None:
                unreadable = "the proof the journal kept of it is unreadable"
                found.append(NamedProof(name, Proof(), ProofRole.APPLIED, broken=unreadable))
                continue
        else:
            proof = None
        if proof is not None and not proof.empty:
            trouble = proof.trouble()
            found.append(NamedProof(name, proof, ProofRole.APPLIED, broken=trouble))
    return found


def found_proofs(
    ctx: Context, shells: Sequence[Shell], envs: Sequence[ShellEnv], applied: Sequence[str]
) -> dict[str, tuple[NamedProof, ...]]:
    """For each kind of new shell (by its label), the proofs of the remedies whose [when]
    holds there and that are not applied."""
    specs = [
        spec
        for spec in registry.data(ctx).specs
        if spec.name not in applied and not spec.proof.empty and has_conditions(spec)
    ]
    if not specs or not envs:
        return {}
    names = tuple(dict.fromkeys([*WATCHED, *(n for spec in specs for n in variables(spec))]))
    read = read_files(ctx, shells, (), names, envs)
    pictures = draw_each(ctx, read, envs)
    claudes = claude_of_each(ctx, envs, find_claude(ctx))
    found: dict[str, tuple[NamedProof, ...]] = {}
    proofs = {spec.name: proof_as_found(spec) for spec in specs}
    for spec in specs:
        proof = proofs[spec.name]
        trouble = proof.trouble() if proof is not None else None
        if trouble is not None:  # said, and not held: an option's default makes it no proof
            ctx.warn(f"{spec.name}'s proof is not checked: {trouble} ({spec.origin})")
    for env, picture, claude in zip(envs, pictures, claudes):
        found[env.label] = tuple(
            NamedProof(spec.name, proof, ProofRole.FOUND)
            for spec in specs
            if (proof := proofs[spec.name]) is not None
            and proof.trouble() is None
            and evaluate(spec, picture, claude, ctx.home) is not None
        )
    return found


def proof_as_found(spec: RemedySpec) -> Proof | None:
    """The proof of a remedy not applied: `{option}`s filled with their defaults, and each
    clause that still names one left out; None when its model or prompt still names one
    (its clauses are about that model's request: held to another's, they would mislead)."""
    defaults = {o.name: o.default for o in spec.options if o.default is not None}
    proof = with_values(spec.proof, defaults)

    def chosen(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(text for text in texts if not PLACEHOLDER.search(text))

    if any(text and PLACEHOLDER.search(text) for text in (proof.model, proof.prompt)):
        return None
    return replace(
        proof,
        path_contains=chosen(proof.path_contains),
        path_lacks=chosen(proof.path_lacks),
        body_mentions=chosen(proof.body_mentions),
        body_omits=chosen(proof.body_omits),
    )


def with_bases(
    found: Mapping[str, tuple[NamedProof, ...]], over: Sequence[tuple[str, str]]
) -> dict[str, tuple[NamedProof, ...]]:
    """`found`, and each environment laid over a new shell's (this folder's .envrc and mise:
    verify.here) judged with that shell's: its picture already reads the folder's files."""
    return {**found, **{laid: found.get(base, ()) for laid, base in over}}
