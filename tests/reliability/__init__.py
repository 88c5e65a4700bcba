"""Reliability and security tests: faults injected through hooks, files, processes and signals."""
