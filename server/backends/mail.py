"""Sending verification mail through a pluggable `Mailer`.

The embedded default writes each message to `<data_dir>/outbox/` as an `.eml` file and logs every
link in it (on the `pinrender.server.mail` logger, which `pinrender serve` prints), so the one-click
verification works on one machine with no mail server. An SMTP or HTTP mailer only needs `send`.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

log = logging.getLogger("pinrender.server.mail")
_LINK = re.compile(r"https?://\S+")


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class OutboxMailer:
    def __init__(self, folder: Path, sender: str = "no-reply@pinrender.local") -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{int(time.time() * 1000)}-{secrets.token_hex(4)}.eml"
        # Written whole, then renamed: a reader of the outbox never sees half a message.
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
        with os.fdopen(fd, "wb") as f:
            f.write(message.as_bytes())
        os.replace(tmp, self.folder / name)
        # Nobody reads this outbox unless told: the operator gets the link on the console.
        links = " ".join(_LINK.findall(body)) or "no link"
        log.info("mail to %s: %s: %s (saved as %s)", to, subject, links, self.folder / name)


def open_mailer(setting: str, data_dir: Path) -> Mailer:
    if setting == "outbox":
        return OutboxMailer(data_dir / "outbox")
    raise ValueError(f"unknown mailer {setting!r} (use outbox)")
