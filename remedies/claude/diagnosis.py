"""From what we found (sources, the installed claude) to problems and remedies, best first.

Pure: no I/O. `remedy doctor` prints the result; `remedy apply auto` (later) follows it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from remedies.claude.extra_body_verdict import EXTRA_BODY_MEASURED, EXTRA_BODY_WORTH
from remedies.claude.installs import ClaudeOnPath
from remedies.claude.known_issues import (
    MANTLE_MIN_VERSION,
    known_issues,
    parse_version,
)
from remedies.claude.model_ids import is_opus_4_7, mantle_model_id
from remedies.claude.project_env import folder_problems, needs_project
from remedies.claude.sources import MODEL_VARIABLES, SETTINGS_MODEL, Picture, Source, is_on
from remedies.output import path_shown
from remedies.redact import shown


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str  # problem, warning, info
    message: str
    reference: str | None = None
    remedy: str | None = None  # the remedy that fixes it (a remedy file's [when] found it)
    evidence: tuple[str, ...] = ()  # "NAME=value at ~/.zshrc:3"
    # The kinds of new shell it holds in ("login zsh"), when not all those judged.
    shells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    remedy: str
    command: str
    why: str
    caveat: str | None = None
    # Where the remedy comes from: "packaged", or the remedy file's path as shown (the
    # user's folder, the machine's, a path): a file someone else wrote is worth knowing.
    origin: str = "packaged"


@dataclass(frozen=True)
class Diagnosis:
    affected: bool
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "affected": self.affected,
            "problems": [asdict(f) for f in self.findings],
            "recommendations": [asdict(r) for r in self.recommendations],
        }


def _settings_owner(source: Source | None) -> str | None:
    if source is None or not source.kind.endswith("-settings"):
        return None
    return source.kind.removesuffix("-settings")


def _pinned_profile_ids(picture: Picture) -> list[Source]:
    pins = [picture.effective(name) for name in (*MODEL_VARIABLES, SETTINGS_MODEL)]
    return [s for s in pins if s is not None and s.value and mantle_model_id(s.value)]


def diagnose(picture: Picture, claude: ClaudeOnPath, fixed_version: str, home: Path) -> Diagnosis:
    """`home`: paths in messages are shown as a person reads them (~/.claude/settings.json)."""
    findings: list[Finding] = []
    version = parse_version(claude.version)
    bedrock = picture.effective("CLAUDE_CODE_USE_BEDROCK")
    model = picture.model()
    if claude.install_method == "missing":
        findings.append(Finding("claude-missing", "info", "no `claude` on PATH"))
    elif claude.problem:
        findings.append(Finding("claude-version", "warning", claude.problem))

    affected = False
    if picture.provider == "bedrock" and (model is None or is_opus_4_7(model)):
        for issue in known_issues(fixed_version):
            if issue.covers(version):
                affected = True
                which = f"Claude Code {claude.version}" if claude.version else "Claude Code"
                findings.append(
                    Finding(
                        issue.id,
                        "problem",
                        f"{issue.title}: {which} uses bedrock-runtime",
                        issue.reference,
                    )
                )
                break
    elif picture.provider == "bedrock" and model:
        findings.append(
            Finding(
                "other-model",
                "info",
                f"the model is pinned to {shown('ANTHROPIC_MODEL', model)}; the invalid beta "
                "flag error hits Opus 4.7 on bedrock-runtime",
            )
        )

    owner = _settings_owner(bedrock)
    if bedrock is not None and is_on(bedrock.value) and owner:
        advice = {
            "user": "this changes it there too: `remedy apply mantle`",
            "project": "to change it, run in this folder: `remedy apply mantle --project`",
            "local": "to change it, run in this folder: `remedy apply mantle --project`",
            "managed": "an administrator must change it: `remedy apply mantle --system`",
        }[owner]
        findings.append(
            Finding(
                "settings-override",
                "warning",
                f"CLAUDE_CODE_USE_BEDROCK comes from "
                f"{owner} settings ({path_shown(bedrock.path or '', home)}), which override "
                "every shell "
                f"start-up file; {advice}",
            )
        )
    findings += [Finding("folder-env", "problem", m) for m in folder_problems(bedrock, home)]
    if is_on(picture.value("CLAUDE_CODE_USE_MANTLE")) and picture.provider == "bedrock":
        findings.append(
            Finding(
                "bedrock-wins",
                "warning",
                "CLAUDE_CODE_USE_MANTLE is on, but CLAUDE_CODE_USE_BEDROCK is on too and wins",
            )
        )
    for pin in _pinned_profile_ids(picture):
        findings.append(
            Finding(
                "profile-model-id",
                "warning" if picture.provider != "mantle" else "problem",
                f"{pin.var} = {pin.value} is a bedrock-runtime inference profile; Mantle "
                f"needs {mantle_model_id(pin.value or '')}; this rewrites it: "
                "`remedy apply mantle`",
            )
        )
    if picture.provider in ("bedrock", "mantle") and not picture.region():
        findings.append(
            Finding("no-region", "warning", "no AWS_REGION: Mantle needs one (give --region)")
        )
    if picture.provider == "mantle" and model is None:
        findings.append(
            Finding(
                "mantle-default-model",
                "warning",
                "no model is pinned: on Mantle, Claude "
                "Code 2.1.111 asks for anthropic.claude-haiku-4-5 unless one is named "
                "(`remedy apply mantle --model anthropic.claude-opus-4-7` pins Opus 4.7)",
            )
        )
    if picture.value("CLAUDE_CODE_EXTRA_BODY") is not None:
        findings.append(
            Finding(
                "extra-body-set",
                "info",
                "CLAUDE_CODE_EXTRA_BODY is set; measured with "
                "2.1.111 to 2.1.330 it does not remove anthropic_beta from the body",
            )
        )
    recommendations = _recommend(picture, claude, affected)
    return Diagnosis(affected, findings, recommendations)


def _recommend(picture: Picture, claude: ClaudeOnPath, affected: bool) -> list[Recommendation]:
    needs_rewrite = picture.provider == "mantle" and _pinned_profile_ids(picture)
    if not affected and not needs_rewrite:
        return []
    flags = ""
    if not picture.region():
        flags += " --region REGION"
    owners = {_settings_owner(s) for s in picture.of("CLAUDE_CODE_USE_BEDROCK")}
    if needs_project(picture.of("CLAUDE_CODE_USE_BEDROCK")):  # settings, .envrc or mise
        flags += " --project"
    if "managed" in owners:
        flags += " --system"
    version = parse_version(claude.version)
    too_old = version is not None and version < parse_version(MANTLE_MIN_VERSION)  # type: ignore[operator]
    mantle = Recommendation(
        "mantle",
        f"remedy apply mantle{flags}",
        "official workaround: Mantle takes betas in the header only",
        f"needs Claude Code >= {MANTLE_MIN_VERSION}; upgrade first" if too_old else None,
    )
    if needs_rewrite:
        return [mantle]
    upgrade = Recommendation(
        "upgrade",
        "remedy apply upgrade",
        "the permanent fix (on the service side, with a newer client)",
        "no offline check can prove it; only a live call does",
    )
    extra = Recommendation(
        "extra-body",
        "remedy apply extra-body",
        EXTRA_BODY_WORTH,
        EXTRA_BODY_MEASURED,
    )
    return [upgrade, mantle, extra] if too_old else [mantle, upgrade, extra]
