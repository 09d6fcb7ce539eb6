"""State files exactly as remedy wrote them before its state was typed (issue 23), captured
from real runs: journals and pending records an older remedy left must still revert and
recover, and are written back byte for byte. "@HOME@" stands for the home."""

from __future__ import annotations

# What `remedy apply mantle --shell bash --shell fish --region us-east-1 --yes` wrote to
# journal.json before recipes were typed (trimmed to three of its five files; "@HOME@" is
# the home). Byte for byte: the journal is rewritten whenever part of it is reverted.
JOURNAL = """\
{
 "committed": "20261207T094646Z-357fc877",
 "entries": [
  {
   "at": "2026-12-07T09:46:46Z",
   "created_folders": [],
   "details": {
    "model": null,
    "region": "us-east-1",
    "region_source": "--region",
    "shells": [
     "bash",
     "fish"
    ]
   },
   "files": [
    {
     "backup": "backups/20261207T094646Z-357fc877/0",
     "existed": true,
     "new_sha256": "39b9431dd60ee63fb7d9b19b6d2490e0433c9ebe15af8b4c0ea227d2e01318a9",
     "old_sha256": "e0c67fc30814b2750da0ddad02628df17b4dbb9293824f12a80e50fe80b4de59",
     "path": "@HOME@/.config/fish/fish_variables",
     "target": "@HOME@/.config/fish/fish_variables",
     "undo": {
      "kind": "store",
      "lines": [
       "U0VUVVZBUiAtLWV4cG9ydCBDTEFVREVfQ09ERV9VU0VfQkVEUk9DSzoxCg=="
      ],
      "shell": "fish"
     }
    },
    {
     "backup": "backups/20261207T094646Z-357fc877/1",
     "existed": true,
     "new_sha256": "7708020e89f695dd875a35e9aa2d93e77b026d8a9c1f6e330f9aaa0999524eb8",
     "old_sha256": "6c129f44c83029a0d65dc9dfb4dcd5a0bd68b03c03cd3726772c98e7c7320741",
     "path": "@HOME@/.bashrc",
     "target": "@HOME@/.bashrc",
     "undo": {
      "disabled": [
       [
        "ZXhwb3J0IENMQVVERV9DT0RFX1VTRV9CRURST0NLPTE=",
        1
       ]
      ],
      "kind": "rc",
      "prefix": "OiAjIGRpc2FibGVkIGJ5IHJlbWVkeSBtYW50bGU6IA==",
      "remedy": "mantle",
      "shell": "bash"
     }
    },
    {
     "backup": "backups/20261207T094646Z-357fc877/4",
     "existed": true,
     "new_sha256": "c0aa6cfe6a5f130e3c4124a460a796b50b40b1618377c4d5d378b777da60975d",
     "old_sha256": "2201ca44e5fc1191d7e74f513884637181ade184d01614830a5de903fb2b0907",
     "path": "@HOME@/.claude/settings.json",
     "target": "@HOME@/.claude/settings.json",
     "undo": {
      "kind": "json",
      "ops": [
       [
        [
         "env"
        ],
        "CLAUDE_CODE_USE_MANTLE",
        null
       ],
       [
        [
         "env"
        ],
        "AWS_REGION",
        null
       ],
       [
        [
         "env"
        ],
        "CLAUDE_CODE_USE_BEDROCK",
        "\\"1\\""
       ]
      ]
     }
    }
   ],
   "remedy": "mantle",
   "seq": 1,
   "txid": "20261207T094646Z-357fc877"
  }
 ],
 "version": 1
}
"""

# The files as that apply left them, each then edited by the user (the last line, or key),
# so that revert must use the recipes: a backup would lose the user's edits.
EDITED = {
    ".bashrc": b": # disabled by remedy mantle: export CLAUDE_CODE_USE_BEDROCK=1\n"
    b"# >>> remedy mantle >>>\n"
    b"# Claude Code: use Bedrock Mantle (fixes '400 invalid beta flag' with Opus 4.7)\n"
    b"unset CLAUDE_CODE_USE_BEDROCK\n"
    b"export CLAUDE_CODE_USE_MANTLE=1\n"
    b"export AWS_REGION=us-east-1\n"
    b"# <<< remedy mantle <<<\n"
    b"alias ll='ls -l'\n",
    ".config/fish/fish_variables": b"# This file contains fish universal variable definitions.\n"
    b"SETUVAR __fish_initialized:3400\n"
    b"SETUVAR --export EDITOR:vim\n",
    ".claude/settings.json": b'{\n  "env": {\n    "CLAUDE_CODE_USE_MANTLE": "1",\n'
    b'    "AWS_REGION": "us-east-1"\n  },\n  "theme": "dark"\n}\n',
}

# What revert leaves: remedy's part out, the user's edits kept.
REVERTED = {
    ".bashrc": b"export CLAUDE_CODE_USE_BEDROCK=1\nalias ll='ls -l'\n",
    ".config/fish/fish_variables": b"# This file contains fish universal variable definitions.\n"
    b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n"
    b"SETUVAR __fish_initialized:3400\n"
    b"SETUVAR --export EDITOR:vim\n",
    ".claude/settings.json": b'{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  },\n'
    b'  "theme": "dark"\n}\n',
}

# What the same apply wrote to pending.json before it changed any file (trimmed to two of
# its five files): unsorted, without a final newline. A crash left it for recovery.
PENDING = """\
{
 "txid": "20261207T094651Z-63eebbff",
 "files": [
  {
   "path": "@HOME@/.config/fish/fish_variables",
   "target": "@HOME@/.config/fish/fish_variables",
   "existed": true,
   "old_sha256": "e0c67fc30814b2750da0ddad02628df17b4dbb9293824f12a80e50fe80b4de59",
   "new_sha256": "39b9431dd60ee63fb7d9b19b6d2490e0433c9ebe15af8b4c0ea227d2e01318a9",
   "backup": "backups/20261207T094651Z-63eebbff/0",
   "undo": {
    "kind": "store",
    "shell": "fish",
    "lines": [
     "U0VUVVZBUiAtLWV4cG9ydCBDTEFVREVfQ09ERV9VU0VfQkVEUk9DSzoxCg=="
    ]
   },
   "temp": "@HOME@/.config/fish/.fish_variables.remedy-20261207T094651Z-63eebbff-0.tmp"
  },
  {
   "path": "@HOME@/.bashrc",
   "target": "@HOME@/.bashrc",
   "existed": true,
   "old_sha256": "6c129f44c83029a0d65dc9dfb4dcd5a0bd68b03c03cd3726772c98e7c7320741",
   "new_sha256": "7708020e89f695dd875a35e9aa2d93e77b026d8a9c1f6e330f9aaa0999524eb8",
   "backup": "backups/20261207T094651Z-63eebbff/1",
   "undo": {
    "kind": "rc",
    "remedy": "mantle",
    "shell": "bash",
    "prefix": "OiAjIGRpc2FibGVkIGJ5IHJlbWVkeSBtYW50bGU6IA==",
    "disabled": [
     [
      "ZXhwb3J0IENMQVVERV9DT0RFX1VTRV9CRURST0NLPTE=",
      1
     ]
    ]
   },
   "temp": "@HOME@/.bashrc.remedy-20261207T094651Z-63eebbff-1.tmp"
  }
 ],
 "folders": [
  "@HOME@/.config/fish/conf.d"
 ],
 "release_backups": []
}"""

# Those two files before the apply (their backups), and as it left them.
BEFORE = {
    ".config/fish/fish_variables": b"# This file contains fish universal variable definitions.\n"
    b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n"
    b"SETUVAR __fish_initialized:3400\n",
    ".bashrc": b"export CLAUDE_CODE_USE_BEDROCK=1\n",
}
APPLIED = {
    ".config/fish/fish_variables": b"# This file contains fish universal variable definitions.\n"
    b"SETUVAR __fish_initialized:3400\n",
    ".bashrc": b": # disabled by remedy mantle: export CLAUDE_CODE_USE_BEDROCK=1\n"
    b"# >>> remedy mantle >>>\n"
    b"# Claude Code: use Bedrock Mantle (fixes '400 invalid beta flag' with Opus 4.7)\n"
    b"unset CLAUDE_CODE_USE_BEDROCK\n"
    b"export CLAUDE_CODE_USE_MANTLE=1\n"
    b"export AWS_REGION=us-east-1\n"
    b"# <<< remedy mantle <<<\n",
}
