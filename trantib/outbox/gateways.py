"""Gateways: how a message leaves the building. One small interface, several implementations.

``Gateway.send(message) -> str`` hands the message over and returns the gateway's reference for
it; it raises :class:`GatewayError` when the gateway refused (``permanent=True``: sending again
cannot help, the message is dead-lettered at once) or could not be reached (transient: retried
with backoff). Anything else a gateway raises counts as transient.

Every gateway receives the message's ``idempotency_key`` and passes it on (a file name, an
``Idempotency-Key`` header, a ``Message-ID``), because the outbox delivers *at least once*: a
worker killed after the gateway accepted a message but before the database recorded it sends
it again after the lease, with the same key. A gateway that honours the key turns that into
exactly once; the file gateway does so itself.

``TRANTIB_OUTBOX_GATEWAYS`` maps each channel to a name — ``console``, ``file``, ``http``,
``email`` — or to the dotted path of a Gateway class (constructed with no arguments).
Construction reads and checks the settings, so a misconfiguration is an
``ImproperlyConfigured`` before any message is claimed (and a ``manage.py check`` error, see
``checks.py``), not a pile of dead letters.
"""

from __future__ import annotations

import http.client
import json
import logging
import mimetypes
import os
import smtplib
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from trantib.core.jsoninput import json_loads

from .models import OutboxMessage

logger = logging.getLogger("trantib.outbox")


class GatewayError(Exception):
    """The gateway did not take the message. ``permanent``: it never will (a 4xx answer, a
    refused address), so the message goes straight to the dead letters."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Gateway(Protocol):
    def send(self, message: OutboxMessage) -> str: ...


class BaseGateway:
    """Refuses, permanently, the channels it cannot carry (an e-mail to the SMS gateway)."""

    channels: ClassVar[tuple[str, ...]] = (
        OutboxMessage.Channel.SMS,
        OutboxMessage.Channel.EMAIL,
    )

    def check_channel(self, message: OutboxMessage) -> None:
        if message.channel not in self.channels:
            raise GatewayError(
                f"{type(self).__name__} cannot send {message.channel} messages", permanent=True
            )

    def send(self, message: OutboxMessage) -> str:
        raise NotImplementedError


class ConsoleGateway(BaseGateway):
    """Writes the message to the log (logger ``trantib.outbox``): for development."""

    def send(self, message: OutboxMessage) -> str:
        logger.info(
            "outbox %s to %s [%s]: %s%s",
            message.channel,
            message.recipient,
            message.idempotency_key,
            f"{message.subject} — " if message.subject else "",
            message.body,
        )
        return f"console:{message.idempotency_key}"


class FileGateway(BaseGateway):
    """One text file per message in ``TRANTIB_OUTBOX_DIR``, named by the idempotency key: the
    embedded default, readable by an operator (and by tests).

    It honours the key: a file that exists is never written again, so a message sent twice
    after a crash is one file. The file is written under a temporary name and then linked into
    place, which fails if the name is taken: two workers racing on the same key also leave one
    complete file, never a half-written one.
    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.TRANTIB_OUTBOX_DIR)

    def path_for(self, message: OutboxMessage) -> Path:
        return self.directory / f"{message.idempotency_key}.txt"

    def send(self, message: OutboxMessage) -> str:
        self.check_channel(message)
        target = self.path_for(message)
        if target.exists():
            return target.name  # already sent under this key: do not send again
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".part")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(self.render(message))
                    out.flush()
                    os.fsync(out.fileno())
                try:
                    os.link(tmp, target)
                except FileExistsError:
                    pass  # another worker sent it first: one file
                except OSError:
                    os.replace(tmp, target)  # no hard links here: replace is atomic too
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            raise GatewayError(f"cannot write {target}: {exc}") from exc
        return target.name

    @staticmethod
    def render(message: OutboxMessage) -> str:
        lines = [
            f"channel: {message.channel}",
            f"to: {message.recipient}",
            f"subject: {message.subject}",
            f"kind: {message.kind}",
            f"ref: {message.ref}",
            f"key: {message.idempotency_key}",
            f"time: {timezone.now().isoformat(timespec='seconds')}",
            *(
                [f"attachment: {message.attachment_name} ({message.attachment.name})"]
                if message.attachment
                else []
            ),
            "",
            message.body,
        ]
        return "\n".join(lines) + "\n"


# Answers that mean "try later": request timeout, too many requests.
_TRANSIENT_4XX = {408, 429}


class HttpSmsGateway(BaseGateway):
    """A generic HTTP SMS gateway: POST ``TRANTIB_SMS_HTTP_BODY`` to ``TRANTIB_SMS_HTTP_URL``.

    The body template is filled with ``{to}``, ``{body}`` and ``{key}``, JSON-escaped when the
    content type is JSON and URL-encoded when it is a form, so a message cannot break out of
    its field. ``Authorization`` carries ``TRANTIB_SMS_HTTP_AUTH`` (e.g. ``Bearer …``),
    ``Idempotency-Key`` the message's key. 2xx is sent; 4xx is a refusal (permanent) except
    408/429; 5xx, timeouts and network errors are transient.
    """

    channels = (OutboxMessage.Channel.SMS,)

    def __init__(self) -> None:
        self.url = settings.TRANTIB_SMS_HTTP_URL
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"TRANTIB_SMS_HTTP_URL: the http gateway needs an http(s) URL, not {self.url!r}"
            )
        self.auth = settings.TRANTIB_SMS_HTTP_AUTH
        self.content_type = settings.TRANTIB_SMS_HTTP_CONTENT_TYPE
        self.template = settings.TRANTIB_SMS_HTTP_BODY
        self.timeout = float(settings.TRANTIB_SMS_HTTP_TIMEOUT)
        try:
            self.template.format(to="", body="", key="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"TRANTIB_SMS_HTTP_BODY: not a template of {{to}}, {{body}}, {{key}}: {exc!r} "
                "(write literal braces twice: {{ }})"
            ) from exc

    def _escape(self, value: str) -> str:
        kind = self.content_type.split(";")[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            return json.dumps(value, ensure_ascii=False)[1:-1]
        if kind == "application/x-www-form-urlencoded":
            return urllib.parse.quote_plus(value)
        return value

    def render(self, message: OutboxMessage) -> bytes:
        return self.template.format(
            to=self._escape(message.recipient),
            body=self._escape(message.body),
            key=self._escape(message.idempotency_key),
        ).encode("utf-8")

    def send(self, message: OutboxMessage) -> str:
        self.check_channel(message)
        headers = {
            "Content-Type": self.content_type,
            "Idempotency-Key": message.idempotency_key,
            "User-Agent": "Trantib-outbox",
        }
        if self.auth:
            headers["Authorization"] = self.auth
        request = urllib.request.Request(  # noqa: S310 — the scheme is checked in __init__
            self.url, data=self.render(message), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(64 * 1024)
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            permanent = 400 <= exc.code < 500 and exc.code not in _TRANSIENT_4XX
            raise GatewayError(f"HTTP {exc.code}: {detail}", permanent=permanent) from exc
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            raise GatewayError(f"{self.url}: {exc}") from exc
        return self._reference(answer) or f"http-{status}"

    @staticmethod
    def _reference(answer: bytes) -> str:
        """The gateway's own id for the message, if its answer is JSON that names one."""
        try:
            data = json_loads(answer)
        except ValueError:  # not JSON, or nested past any sane depth (JsonTooDeep)
            return ""
        if isinstance(data, dict):
            for name in ("id", "message_id", "messageId", "ref", "reference"):
                if data.get(name) not in (None, ""):
                    return str(data[name])[:200]
        return ""


class EmailGateway(BaseGateway):
    """Django's mail (``EMAIL_BACKEND``), from ``DEFAULT_FROM_EMAIL``. The Message-ID is derived
    from the key, so a mail server or archive that de-duplicates on it sees one message; the
    key itself travels as ``Idempotency-Key``. SMTP 5xx refusals are permanent."""

    channels = (OutboxMessage.Channel.EMAIL,)

    def __init__(self) -> None:
        self.sender = settings.DEFAULT_FROM_EMAIL
        self.domain = self.sender.rpartition("@")[2].strip("> ") or "trantib.local"

    def message_id(self, message: OutboxMessage) -> str:
        return f"<{message.idempotency_key}@{self.domain}>"

    def send(self, message: OutboxMessage) -> str:
        self.check_channel(message)
        message_id = self.message_id(message)
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=self.sender,
            to=[message.recipient],
            headers={"Message-ID": message_id, "Idempotency-Key": message.idempotency_key},
        )
        if message.attachment:
            try:
                with message.attachment.open("rb") as stored:
                    content = stored.read()
            except OSError as exc:
                raise GatewayError(f"attachment {message.attachment.name}: {exc}") from exc
            kind = mimetypes.guess_type(message.attachment_name)[0] or "application/octet-stream"
            mail.attach(message.attachment_name, content, kind)
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise GatewayError(
                f"SMTP refused the recipient: {codes}", permanent=all(c >= 500 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise GatewayError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise GatewayError(f"SMTP: {exc}") from exc
        return message_id


BUILTIN = {
    "console": ConsoleGateway,
    "file": FileGateway,
    "http": HttpSmsGateway,
    "email": EmailGateway,
}


def gateway_resolve(name: str) -> Gateway:
    """A gateway from its name in ``TRANTIB_OUTBOX_GATEWAYS``: a built-in or a dotted path."""
    cls = BUILTIN.get(name)
    if cls is None:
        if "." not in name:
            raise ImproperlyConfigured(
                f"TRANTIB_OUTBOX_GATEWAYS: unknown gateway {name!r} "
                f"(known: {', '.join(BUILTIN)}, or the dotted path of a class)"
            )
        try:
            cls = import_string(name)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"TRANTIB_OUTBOX_GATEWAYS: cannot import {name!r}: {exc}"
            ) from exc
    gateway = cls()
    if not callable(getattr(gateway, "send", None)):
        raise ImproperlyConfigured(f"TRANTIB_OUTBOX_GATEWAYS: {name!r} has no send(message)")
    return gateway


def gateway_name_for(channel: str) -> str:
    names: dict[str, str] = getattr(settings, "TRANTIB_OUTBOX_GATEWAYS", {})
    return names.get(channel) or "file"


def gateways_configured() -> dict[str, tuple[str, Gateway]]:
    """Every channel's (name, gateway), built now from the settings of the moment."""
    return {
        channel: (gateway_name_for(channel), gateway_resolve(gateway_name_for(channel)))
        for channel in OutboxMessage.Channel.values
    }
