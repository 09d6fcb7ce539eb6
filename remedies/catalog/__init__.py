"""The remedies: the plugin interface, the registry, and each remedy with its own undo."""
