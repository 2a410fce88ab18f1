"""Forms of disposal, one module per part (as ``models/``)."""
