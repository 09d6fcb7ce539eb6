"""remedy: repairs a developer's environment when a tool breaks because of its configuration.

The layers, each a sub-package; imports go one way only, down (tests/test_layers.py):

    cli -> commands -> {catalog, verify} -> claude -> engine -> shells

- commands/  one module per `remedy <command>`, each exposing `command`
- catalog/   the remedies: the plugin interface, the registry, each remedy with its own undo
- verify/    proof that a remedy works: the loopback stand-in, offline and live
- claude/    what Claude Code is and reads: installs, settings files, sources, diagnosis
- engine/    this machine's files: byte transforms, plans, the journal, the only writes
The kernel (context, errors, options, output, redact, privilege) may be imported by anyone
and imports no layer but shells/, a leaf that imports nothing of remedies (redact reads how
each shell quotes from its Shell).
"""

__version__ = "0.1.0"
