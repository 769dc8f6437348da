"""The store: the SQL index, the archive of files, and (later) full-text search."""

from mailflow.store.store import Applied, Store

__all__ = ["Applied", "Store"]
