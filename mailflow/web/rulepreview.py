"""The rules' preview on the rules page (`/rules?preview=1`): what the rule files as they are now
would decide for the newest 500 filed mails, worked out in a child process.

Why a child: the preview loads the whole desk (every rule's patterns compiled, the templates
checked) and decides 500 mails, seconds of Python. In the server's process that work holds the
interpreter's lock against every other page's thread, and each of them waits for it after each
database answer (at 100,000 messages the plan page went over 150 ms at the 95th percentile
beside a preview, bench/web.py). The child (`python -m mailflow.web.rulepreview`) gets the
server's own configuration (JSON) on its standard input and answers JSON on its standard output; it
runs at a lower CPU priority (`nice`), so that on a machine of two cores the pages come first,
in a session of its own, killed with all it started when it takes longer than `SECONDS`. One
preview runs at a time: another asked meanwhile is refused with a page saying so (`Busy`),
not queued behind it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from typing import Any

from mailflow.config import Config
from mailflow.errors import MailflowError
from mailflow.evaluate import Preview

LIMIT = 500  # the newest filed mails the rules are run over
SECONDS = 600  # a busy machine decides 500 mails in minutes; longer than this is no preview
NICENESS = 10
_RUNNING = threading.BoundedSemaphore(1)


class Busy(MailflowError):
    """Another preview is being worked out."""


def preview(config: Config) -> Preview:
    """The preview of the desk's rules over its newest mails, from a child process (blocks: call
    it off the event loop). `Busy` while another runs; MailflowError when the rules cannot be
    loaded or the preview cannot be had, saying why."""
    if not _RUNNING.acquire(blocking=False):
        raise Busy("another preview of the rules is being worked out; ask again when it is done")
    try:
        answer = _child(config.model_dump_json().encode())
    finally:
        _RUNNING.release()
    if "error" in answer:
        raise MailflowError(str(answer["error"]))
    return Preview([(str(c), int(n)) for c, n in answer["counts"]], list(answer["changes"]))


def _child(config: bytes) -> dict[str, Any]:
    nice = shutil.which("nice")
    command = [*([nice, "-n", str(NICENESS)] if nice else []), sys.executable, "-m", "mailflow.web.rulepreview"]
    # the server's own import path, in its order: the child runs this very mailflow
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    try:
        out, _ = child.communicate(config, timeout=SECONDS)
    except subprocess.TimeoutExpired:
        _kill(child)
        raise MailflowError(f"the preview of the rules took longer than {SECONDS} s and was stopped") from None
    except BaseException:
        _kill(child)
        raise
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not ("error" in answer or {"counts", "changes"} <= answer.keys()):
        raise MailflowError(f"the preview of the rules stopped without an answer (exit {child.returncode})")
    return answer


def _kill(child: subprocess.Popen[bytes]) -> None:
    """The child and whatever it started (its intake's workers): its whole session."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.communicate()


def main() -> None:
    """The child: the server's configuration (as JSON) on standard input, the preview as JSON
    on standard output; what it logs goes to standard error, as the server's does."""
    from mailflow.desk import load_desk
    from mailflow.evaluate import preview_archive
    from mailflow.logs import secrets_of, setup_logging
    from mailflow.store.objects import open_store

    config = Config.model_validate_json(sys.stdin.buffer.read())
    setup_logging(False, secrets_of(config), config.logging.format)
    answer: dict[str, Any]
    try:
        desk = load_desk(config)
        try:
            store = open_store(config)
            try:
                found = preview_archive(desk, store, limit=LIMIT)
            finally:
                store.close()
        finally:
            desk.close()
        answer = {"counts": found.counts, "changes": found.changes}
    except MailflowError as exc:
        answer = {"error": str(exc)}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
