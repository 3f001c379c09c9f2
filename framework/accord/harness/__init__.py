"""The contract-testing harness: everything that talks to a system's API.

Simulators (a stateful mock of each system from its API description), consumer pacts derived
from the mappings, provider verification and the verification matrix, Schemathesis fuzzing,
property tests through the generated transformers, and the pytest plugin. It stands above the
``Workspace`` facade (:mod:`accord.project`) and below the gate, which reads the matrix.
"""
