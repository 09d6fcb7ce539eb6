"""The AWS region a client reads from the AWS config file (from 2.1.172; see
remedies/claude/client_region.py): what the offline probe gives the client of the user's
AWS files (the region alone), and when a proof judges by that region."""

from __future__ import annotations

from pathlib import Path

from remedies.claude.client_region import config_region, region_only_config, region_read
from remedies.context import Context

CONFIG = """\
[default]
region = us-west-2
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret

[profile work]
region = eu-west-1
credential_process = /usr/local/bin/fetch-keys --profile work
sso_session = corp
"""


def context(tmp_path: Path) -> Context:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(CONFIG)
    return Context(home=home, env={"HOME": str(home)}, cwd=home)


def test_the_probe_gets_the_profiles_region_and_nothing_else(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    assert region_only_config(ctx, {"AWS_PROFILE": "work"}) == "[default]\nregion = eu-west-1\n"
    assert region_only_config(ctx, {}) == "[default]\nregion = us-west-2\n"
    assert region_only_config(ctx, {"AWS_PROFILE": "none-such"}) == ""
    moved = tmp_path / "elsewhere"
    moved.write_text("[profile ops]\nregion = ap-south-1\n")
    given = {"AWS_CONFIG_FILE": str(moved), "AWS_PROFILE": "ops"}
    assert config_region(ctx, given) == "ap-south-1"
    assert config_region(ctx, {"AWS_CONFIG_FILE": str(tmp_path / "missing")}) is None
    moved.write_text("[default]\nregion = eu-west-1\n  [x]\n")
    assert config_region(ctx, {"AWS_CONFIG_FILE": str(moved)}) is None, "no region's name"
    moved.write_text("[default]\nregion = eu-west-1.evil.example\n")
    assert region_only_config(ctx, {"AWS_CONFIG_FILE": str(moved)}) == ""


def test_a_proof_judges_by_the_config_region_only_where_the_client_reads_it(
    tmp_path: Path,
) -> None:
    ctx = context(tmp_path)
    work = {"AWS_PROFILE": "work"}
    assert region_read(ctx, "2.1.332", work) == "eu-west-1"
    assert region_read(ctx, "2.1.172", work) == "eu-west-1"
    assert region_read(ctx, "2.1.171", work) is None, "us-east-1, whatever the config says"
    assert region_read(ctx, "2.1.111", work) is None
    assert region_read(ctx, None, work) is None, "a client that did not name itself"
    assert region_read(ctx, "2.1.332", {**work, "AWS_REGION": "eu-north-1"}) is None
    assert region_read(ctx, "2.1.332", {**work, "AWS_DEFAULT_REGION": "eu-north-1"}) is None
