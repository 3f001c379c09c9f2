"""What generated transformer modules import.

Imports nothing from the compiler, checker, harness or cli.
"""
