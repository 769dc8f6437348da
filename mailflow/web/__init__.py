"""The web desk (`mailflow web`): orders, timelines, search, approvals and the daily plan in a
browser. `app.py` has the one table of routes, `security.py` who is asking (sessions, CSRF and
Origin, headers, the manager's actions), `render.py` the templates; one module per group of
pages (`plan`, `orders`, `messages`, `outbox`, `search`, `admin`, `login`), their data from
`mailflow.views`; `auth.py` the people and their sessions, `i18n.py` the words in English and
Chinese; templates and the vendored htmx are package data."""
