"""mailflow: runs an export desk's order mailbox hands-off."""

__version__ = "0.1.0"
