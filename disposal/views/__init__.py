"""Pages of disposal, one module per part (as ``models/``); ``urls.py`` names them."""
