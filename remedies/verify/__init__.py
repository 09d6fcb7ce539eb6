"""Proof that a remedy works: offline against a loopback stand-in, and live."""
