"""What Claude Code is and reads: installs, settings files, sources, diagnosis."""
