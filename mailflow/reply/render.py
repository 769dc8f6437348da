"""Reply templates: Jinja2 in a sandbox, a text and an HTML file per template and language.

`templates/reply/<name>.<lang>.txt.j2` and `<name>.<lang>.html.j2`. The sandbox keeps a template
from reaching Python internals; undefined variables are errors, not blank spaces in a mail
to a buyer.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mailflow.errors import ReplyTemplateError

LANGUAGES = ("en", "zh")


class ReplyTemplates:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(directory)),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html"),
                                                default_for_string=False),
            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )

    def names(self) -> set[str]:
        if not self.directory.is_dir():
            return set()
        return {p.name.split(".")[0] for p in self.directory.glob("*.txt.j2") if not p.name.startswith("_")}

    def check(self) -> None:
        """Compile every template now, so a syntax error stops start-up with file:line."""
        if not self.directory.is_dir():
            raise ReplyTemplateError("reply templates folder not found", self.directory)
        for path in sorted(self.directory.glob("*.j2")):
            try:
                self.env.get_template(path.name)
            except jinja2.TemplateSyntaxError as exc:
                raise ReplyTemplateError(exc.message or "syntax error", path, exc.lineno) from None
        for name in self.names():
            if not (self.directory / f"{name}.en.txt.j2").exists():
                raise ReplyTemplateError(f"template {name!r} has no English text version "
                                         f"({name}.en.txt.j2), the fallback for every language",
                                         self.directory)

    def check_render(self, contexts: list[dict[str, Any]]) -> None:
        """Render every template in every language with sample contexts, so one that fails on
        every mail (an unknown variable, a bad filter argument) stops start-up, not the first
        reply."""
        for name in sorted(self.names()):
            for language in LANGUAGES:
                if not (self.directory / f"{name}.{language}.txt.j2").exists():
                    continue
                for context in contexts:
                    self.render(name, language, dict(context))

    def language_for(self, name: str, wanted: str) -> str:
        return wanted if (self.directory / f"{name}.{wanted}.txt.j2").exists() else "en"

    def render(self, name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
        """(text, html, language used); html is "" when the template has no HTML version."""
        lang = self.language_for(name, language)
        text_name = f"{name}.{lang}.txt.j2"
        if not (self.directory / text_name).exists():
            raise ReplyTemplateError(f"no reply template {name!r}", self.directory / text_name)
        text = self._render(text_name, context)
        html_name = f"{name}.{lang}.html.j2"
        html = self._render(html_name, context) if (self.directory / html_name).exists() else ""
        return text, html, lang

    def _render(self, template_name: str, context: dict[str, Any]) -> str:
        path = self.directory / template_name
        try:
            return self.env.get_template(template_name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise ReplyTemplateError(exc.message or "syntax error", path, exc.lineno) from None
        except SecurityError as exc:
            raise ReplyTemplateError(f"not allowed in a template: {exc}", path,
                                     _template_line(exc, template_name)) from None
        except Exception as exc:  # noqa: BLE001 - any failure of a template is the template's
            raise ReplyTemplateError(f"{type(exc).__name__}: {exc}", path,
                                     _template_line(exc, template_name)) from None


def _template_line(exc: BaseException, template_name: str) -> int | None:
    """Jinja2 rewrites tracebacks so template frames carry the template's file and line."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(template_name):
            line = frame.lineno
    return line
