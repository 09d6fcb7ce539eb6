"""Commands: one module per `remedy <command>`, each exposing `command`."""
