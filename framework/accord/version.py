"""The version of accord (read by the generator for module headers and by ``--version``)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
