"""Reads of disposal that need thought, one module per part (as ``models/``)."""
