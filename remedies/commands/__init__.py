"""Commands: one module per `remedy <command>`, each exposing `command`.

SHORT_HELP is the one place each command's line in `remedy --help` is written: the help lists
the commands without importing them (the command modules import what their command needs).
"""

SHORT_HELP = {
    "apply": "Fix it (idempotent; --dry-run shows the diff).",
    "check": "Validate a remedy file and run its proof offline.",
    "completion": "Print the shell completion script.",
    "doctor": "What is wrong here, and where each setting comes from.",
    "export": "Write a remedy's machine-wide settings for MDM (json, mobileconfig, reg, ps1).",
    "fleet-report": "Summarise the reports of a fleet rollout.",
    "list": "The remedies there are, best first.",
    "new": "Write a skeleton remedy file to fill in.",
    "revert": "Put back every byte an apply changed.",
    "status": "What is applied where, and whether files changed since.",
    "verify": "Prove it, with your real claude.",
}
