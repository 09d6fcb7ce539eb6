"""Which environment variables are Claude Code's configuration, and which choose code.

A remedy file (catalog.data_format) is data written by someone who is trusted to configure
Claude Code, not to run programs: a fleet's /etc/remedy/remedies, a colleague's file passed to
`remedy check`, a path in a rollout. So what it may set, unset, move or rewrite is Claude
Code's configuration and nothing else (issue 22: `set = { PATH = ... }` or `LD_PRELOAD` ran the
author's code as whoever checked the file, root included, and `NODE_OPTIONS=--require ...` went
into a `--machine` drop-in, that is into every user's Claude Code). The same rule builds the
offline probe's environment (verify.containment): an allow list, not a deny list.

The rule, in order:
1. A variable that makes a program load or run code (PATH, LD_*, NODE_OPTIONS, BASH_ENV,
   PYTHON*, ...) is refused by name: it is never configuration of Claude Code's.
2. A name in a family Claude Code owns (ANTHROPIC_*, CLAUDE_*, DISABLE_*, ENABLE_*, MCP_*,
   OTEL_*, VERTEX_REGION_*) or one of the few others it documents (AWS_REGION, HTTPS_PROXY,
   NODE_EXTRA_CA_CERTS, MAX_THINKING_TOKENS, ...) is configuration...
3. ...unless its name says it chooses a program, a file or folder Claude Code reads code or
   commands from, or where it writes: CLAUDE_CODE_SHELL, CLAUDE_CODE_SHELL_PREFIX,
   CLAUDE_CODE_GIT_BASH_PATH, CLAUDE_ENV_FILE (sourced before every Bash command),
   CLAUDE_CONFIG_DIR (settings hold hooks), CLAUDE_CODE_PLUGIN_*_DIR (plugins are code),
   CLAUDE_CODE_TMPDIR. Claude Code 2.1.111 reads 543 variables (every `process.env.NAME` in
   its cli.js, counted for this module); the words below refuse 21 of its own families',
   every one of them that names a program, a command, a path or a file descriptor, and a
   flag or two whose name holds such a word (CLAUDE_BASH_MAINTAIN_PROJECT_WORKING_DIR): a
   remedy that truly needs one is code, reviewed as code, not a file. DISABLE_* only turns
   things off, so it is never refused by its words (DISABLE_BUG_COMMAND).
Everything else is refused as "not one of Claude Code's settings": a remedy for another tool
is a remedy of its own kind, not a file of this one.
"""

from __future__ import annotations

import re

# 1. Variables that make a program (the dynamic loader, Node.js, a shell, an interpreter, git,
# an AWS SDK) load or run code of the value's choosing.
_RUNS_CODE = re.compile(
    r"(?:PATH|LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE"
    r"|BASH_ENV|ENV|BASH_FUNC_\S+|PROMPT_COMMAND|PS[0-4]|ZDOTDIR|SHELLOPTS|BASHOPTS|IFS"
    r"|PYTHON\w*|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|GIT_\w+|EDITOR|VISUAL|PAGER"
    r"|BROWSER|SHELL|HOME|XDG_CONFIG_HOME|XDG_CONFIG_DIRS|AWS_CONFIG_FILE"
    r"|AWS_SHARED_CREDENTIALS_FILE|GOOGLE_APPLICATION_CREDENTIALS|CLOUDSDK_CONFIG"
    r"|SSL_CERT_FILE|SSL_CERT_DIR|OPENSSL_CONF|OPENSSL_ENGINES)\Z"
)

# 2. Claude Code's families, and the others it reads for its configuration (its settings
# documentation; every one of them read by 2.1.111's cli.js).
_FAMILIES = re.compile(r"(?:ANTHROPIC|CLAUDE|DISABLE|ENABLE|MCP|OTEL|VERTEX_REGION)_\w+\Z")
_OTHERS = frozenset(
    {
        "API_TIMEOUT_MS",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_REGION",
        "BASH_DEFAULT_TIMEOUT_MS",
        "BASH_MAX_OUTPUT_LENGTH",
        "BASH_MAX_TIMEOUT_MS",
        "CLOUD_ML_REGION",
        "GCLOUD_PROJECT",
        "GOOGLE_CLOUD_PROJECT",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "MAX_MCP_OUTPUT_TOKENS",
        "MAX_THINKING_TOKENS",
        "NODE_EXTRA_CA_CERTS",  # a CA Node.js trusts: data, what ca-certs-in-settings moves
        "NO_PROXY",
        "SLASH_COMMAND_TOOL_CHAR_BUDGET",
        "TASK_MAX_OUTPUT_LENGTH",
        "USE_BUILTIN_RIPGREP",
    }
)

# 3. Words of a name of Claude Code's own that say it chooses what runs, or a place it reads
# code or commands from or writes to (a name's words are split at `_`).
_CHOOSING_WORDS = frozenset(
    {
        "SHELL",
        "PATH",
        "PATHS",
        "DIR",
        "DIRS",
        "TMPDIR",
        "DESCRIPTOR",
        "EXECUTABLE",
        "EXEC",
        "BIN",
        "SCRIPT",
        "EDITOR",
        "CMD",
        "COMMAND",
    }
)
# ... and last words that do (CLAUDE_ENV_FILE; but CLAUDE_CODE_DISABLE_FILE_CHECKPOINTING and
# CLAUDE_CODE_API_KEY_HELPER_TTL_MS are a flag and a number).
_CHOOSING_LAST_WORDS = frozenset({"FILE", "HELPER"})


def refusal(name: str) -> str | None:
    """Why a remedy file may not change `name`, in a phrase; None when it may."""
    if _RUNS_CODE.match(name):
        return f"{name} makes programs load or run code of its value's choosing"
    if name in _OTHERS:
        return None
    if not _FAMILIES.match(name):
        return (
            f"{name} is not one of Claude Code's settings (a remedy file changes Claude "
            "Code's configuration only)"
        )
    words = name.split("_")
    chooses = _CHOOSING_WORDS.intersection(words) or words[-1] in _CHOOSING_LAST_WORDS
    if chooses and not name.startswith("DISABLE_"):
        return (
            f"{name} chooses a program, or a place Claude Code reads code or commands from "
            "or writes to: a remedy file may not change it"
        )
    return None


def is_configuration(name: str) -> bool:
    """Whether `name` is Claude Code configuration a remedy file may change."""
    return refusal(name) is None
