"""govmon: keeps government websites and new-media accounts inside the national inspection rules."""

__version__ = "0.1.0"
