"""The web desk (`mailflow web`): orders, timelines, search, approvals and the daily plan in a
browser. `app.py` has the pages, `auth.py` the people and their sessions, `i18n.py` the words in
English and Chinese; templates and the vendored htmx are package data."""
