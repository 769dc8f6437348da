"""`python -m mailflow.store.migrations`: write `sqlite-schema.sql` anew from the migrations
(after adding one; a test says when it is due)."""

from mailflow.store.migrations import write_snapshot

print(f"written: {write_snapshot()}")
