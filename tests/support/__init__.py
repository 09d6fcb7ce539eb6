"""Helpers the tests share: real users and mounts, the real client, fleets, terminals."""
