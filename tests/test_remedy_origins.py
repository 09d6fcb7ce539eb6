"""Where each remedy comes from, and files that say nothing about when they apply (issue 26):
a remedy file with an empty [when] (`remedy new`'s skeleton with only `set` filled in) was
"found" on every doctor run and recommended; nothing said it came from the user's folder.
Now doctor finds nothing for it, `remedy check` refuses it in one line, and doctor and
apply auto's plan name the file a recommended remedy comes from."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

EMPTY_WHEN = """\
name = "my-fix"
summary = "What it fixes, in a few words"
worth = "configuration fix"

[when]

[what]
set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1" }
"""
VERTEX_FIX = EMPTY_WHEN.replace("[when]\n", '[when]\nprovider = ["vertex"]\n')
FOLDER = ".config/remedy/remedies"


def test_a_file_with_no_when_is_never_found(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    sandbox.write(f"{FOLDER}/my-fix.toml", EMPTY_WHEN)
    doc = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    assert "my-fix" not in [r["remedy"] for r in doc["recommendations"]], doc
    person = sandbox.remedy("doctor", "--shell", "bash")
    assert "What it fixes" not in person.stdout, person.stdout


def test_check_refuses_a_file_with_no_when(sandbox: Sandbox) -> None:
    path = sandbox.write("my-fix.toml", EMPTY_WHEN)
    done = sandbox.remedy("check", str(path))
    assert done.code == 2, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "a remedy must say when it applies" in line, line


def test_doctor_and_auto_name_where_a_remedy_comes_from(sandbox: Sandbox) -> None:
    sandbox.write(
        ".bashrc",
        "export CLAUDE_CODE_USE_VERTEX=1\nexport CLOUD_ML_REGION=us-east5\n"
        "export ANTHROPIC_VERTEX_PROJECT_ID=my-project-123\n",
    )
    sandbox.write(f"{FOLDER}/my-fix.toml", VERTEX_FIX)
    doc = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    (mine,) = [r for r in doc["recommendations"] if r["remedy"] == "my-fix"]
    assert mine["origin"] == f"~/{FOLDER}/my-fix.toml", mine
    person = sandbox.remedy("doctor", "--shell", "bash")
    assert f"from ~/{FOLDER}/my-fix.toml" in person.stdout, person.stdout
    plan = sandbox.remedy("apply", "auto", "--shell", "bash", "--dry-run", "--json").json()
    assert plan["origins"]["my-fix"] == f"~/{FOLDER}/my-fix.toml", plan
    assert plan["origins"].get("mantle", "packaged") == "packaged", plan
    shown = sandbox.remedy("apply", "auto", "--shell", "bash", "--dry-run")
    assert f"my-fix comes from ~/{FOLDER}/my-fix.toml" in shown.stdout, shown.stdout
