"""verify judges every remedy by its own proof (issue 25: it knew one bug).

- A problem doctor finds (a remedy file's [when] holds) whose remedy is not applied: the
  request the real client sends is held to that remedy's [proof], and verify fails naming
  the remedy, why it is held and the part that does not hold, with `remedy apply NAME` next.
  Before, a Vertex home whose gateway rejects a beta passed verify, broken or fixed alike.
- A remedy file applied by path is proven by the proof the journal kept, after the file is
  gone: a later edit that undoes it fails verify.
- A proof may name the model the probe asks for: verify asks for it too.

Measured with 2.1.111 on Vertex (the stand-in records the request): the client sends
`tool-search-tool-2025-10-19` in its anthropic-beta header, and not with
CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1.
"""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.client_homes import VERTEX, client_home

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]

VERTEX_BETAS = """\
name = "vertex-betas"
summary = "Turn off the experimental betas our Vertex gateway rejects"
worth = "configuration fix"

[when]
provider = ["vertex"]
absent = ["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"]

[what]
set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1" }

[proof]
endpoint = "vertex"
betas_lack = ["tool-search-tool-2025-10-19"]
"""
FAILS = (
    "vertex-betas (not applied, its [when] holds here): "
    "the request carries beta tool-search-tool-2025-10-19"
)


def vertex_home(sandbox: Sandbox) -> None:
    client_home(sandbox, claude_client.install(), *VERTEX)


def verify(sandbox: Sandbox) -> tuple[int, dict[str, object]]:
    done = sandbox.remedy("verify", "--shell", "bash", "--json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.code, done.json()


def failures(doc: dict[str, object]) -> list[str]:
    runs = doc["runs"]
    assert isinstance(runs, list)
    return [f for run in runs for f in run["proof_failures"]]


def test_a_problem_found_here_is_held_to_its_remedys_proof(sandbox: Sandbox) -> None:
    vertex_home(sandbox)
    sandbox.write(".config/remedy/remedies/vertex-betas.toml", VERTEX_BETAS)
    code, doc = verify(sandbox)
    assert code == 1 and doc["verdict"] == "failed", doc
    assert FAILS in failures(doc), doc
    assert doc["next"] == "`remedy apply vertex-betas`", doc
    person = sandbox.remedy("verify", "--shell", "bash")
    assert f"proof broken: {FAILS}" in person.stdout, person.stdout
    # Fixed: its [when] no longer holds, and as an applied remedy its proof holds.
    assert sandbox.remedy("apply", "vertex-betas", "--shell", "bash", "--yes").code == 0
    code, doc = verify(sandbox)
    assert code == 0 and doc["verdict"] == "ok" and failures(doc) == [], doc


def test_without_the_remedy_file_the_same_home_passes(sandbox: Sandbox) -> None:
    """The other side: nothing in the catalogue judges this gateway's beta, so verify
    cannot and does not fail the home (the file is what knows the problem)."""
    vertex_home(sandbox)
    code, doc = verify(sandbox)
    assert code == 0 and failures(doc) == [], doc


def test_a_file_applied_by_path_is_proven_after_it_is_gone(sandbox: Sandbox) -> None:
    vertex_home(sandbox)
    path = sandbox.write("tmp/vertex-betas.toml", VERTEX_BETAS)
    assert sandbox.remedy("apply", str(path), "--shell", "bash", "--yes").code == 0
    path.unlink()
    code, doc = verify(sandbox)
    assert code == 0, doc
    # A later line that undoes it, below remedy's block: its kept proof catches it.
    with (sandbox.home / ".bashrc").open("a") as bashrc:
        bashrc.write("unset CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS\n")
    code, doc = verify(sandbox)
    assert code == 1, doc
    assert (
        "vertex-betas (applied): the request carries beta tool-search-tool-2025-10-19"
        in failures(doc)
    ), doc


def test_a_proof_names_the_model_verify_asks_for(sandbox: Sandbox) -> None:
    """Measured with 2.1.111 on Vertex: a Haiku request carries no tool-search beta. A proof
    that names Haiku is held to the Haiku request alone, so it holds where the same proof
    without a model fails (the test above)."""
    vertex_home(sandbox)
    named = VERTEX_BETAS.replace(
        'endpoint = "vertex"', 'endpoint = "vertex"\nmodel = "claude-haiku-4-5"'
    )
    sandbox.write(".config/remedy/remedies/vertex-betas.toml", named)
    code, doc = verify(sandbox)
    runs = doc["runs"]
    assert isinstance(runs, list)
    paths = {run["model"]: run["path"] for run in runs}
    assert "claude-haiku-4-5" in str(paths.get("claude-haiku-4-5")), doc
    assert len(paths) == 2, doc  # the client's own model is asked too
    assert code == 0 and failures(doc) == [], doc
