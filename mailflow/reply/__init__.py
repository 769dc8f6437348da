"""Replies: render (Jinja2 sandbox), compose (MIME), guard (loop prevention), outbox (states)."""
