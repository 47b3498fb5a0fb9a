"""Send a day's digest by e-mail: the HTML page, with the Markdown as the plain-text part.

One message per call, to every recipient at once, over SMTP with STARTTLS (or
implicit TLS) unless the config turns it off. The password comes from the
environment variable the config names and lives only in memory: it is never
written, logged or shown (`Mail` leaves it out of its repr). Every failure is
one `DeliveryError` line naming the server, never a traceback.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING

from ..sanitize import printable

if TYPE_CHECKING:
    from ..config import EmailConfig

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """Sending failed (server down, refused, TLS or login failed, no password). One line; the files are intact."""


@dataclass(frozen=True)
class Mail:
    """Where and how to send: the `[delivery.email]` config with the password read from its variable."""

    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0

    @classmethod
    def from_config(cls, cfg: EmailConfig, environ: Mapping[str, str] = os.environ) -> Mail:
        """Build from an EmailConfig; the password from the environment variable it names."""
        password = None
        if cfg.password_env:
            password = environ.get(cfg.password_env)
            if not password:
                raise DeliveryError(
                    f"e-mail not sent: the environment variable {cfg.password_env} (delivery.email.password_env) is not set"
                )
        username = cfg.username or (parseaddr(cfg.sender)[1] if password else None)
        return cls(
            host=cfg.host,
            port=cfg.port,
            sender=cfg.sender,
            to=tuple(cfg.to),
            starttls=cfg.starttls,
            ssl=cfg.ssl,
            username=username,
            password=password,
            timeout_seconds=cfg.timeout_seconds,
        )


def build_message(mail: Mail, *, subject: str, text: str, html: str) -> EmailMessage:
    """The message: text/plain (the Markdown) and text/html (the page) as alternatives."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = mail.sender
    msg["To"] = ", ".join(mail.to)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=parseaddr(mail.sender)[1].rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def send_digest(mail: Mail, *, subject: str, text: str, html: str) -> None:
    """Send one message; raise DeliveryError (one line) on any failure."""
    msg = build_message(mail, subject=subject, text=text, html=html)
    where = f"{mail.host}:{mail.port}"
    try:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if mail.ssl:
            smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds)
        with smtp:
            smtp.ehlo()
            if mail.starttls and not mail.ssl:
                smtp.starttls(context=context)  # a server without STARTTLS fails here: nothing goes in the clear
                smtp.ehlo()
            if mail.username and mail.password:
                smtp.login(mail.username, mail.password)
            refused = smtp.send_message(msg)
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"e-mail not sent via {where}: the server does not support {_what(exc)}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"e-mail not sent via {where}: login refused ({exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"e-mail not sent via {where}: the server answered {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, TLS failure, recipients refused
        raise DeliveryError(f"e-mail not sent via {where}: {_reason(exc)}") from None
    if refused:
        log.warning("e-mail via %s: refused for %s", where, ", ".join(sorted(refused)))
    log.info("e-mailed %r to %d recipient(s) via %s", subject, len(mail.to), where)


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return printable(" ".join(text.split()))[:200]


def _what(exc: Exception) -> str:
    return "STARTTLS" if "STARTTLS" in str(exc).upper() else _text(str(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"every recipient was refused ({', '.join(sorted(exc.recipients))})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _text(str(exc)) or type(exc).__name__
