"""remedy: repairs a developer's environment when a tool breaks because of its configuration."""

__version__ = "0.1.0"
