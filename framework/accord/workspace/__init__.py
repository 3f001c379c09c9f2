"""The loaders: YAML with positions, the contract registry and ``registry.lock``, systems and
their API descriptions. Nothing here imports the stages built on them; the ``Workspace``
facade that drives those stages is :mod:`accord.project`."""
