"""Vendor API descriptions: ``accord system import`` derives the part a workspace uses
(:mod:`accord.upstream.derive`), records where it came from, and re-derives it to catch drift
(:mod:`accord.upstream.importer`)."""
