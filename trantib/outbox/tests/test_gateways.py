"""The HTTP SMS gateway against a real HTTP server on 127.0.0.1, and e-mail through Django's
mail (the locmem backend of the test settings)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from trantib.outbox.gateways import HttpSmsGateway, gateway_resolve
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import DeliveryResult, outbox_deliver

from .test_services import T0, at

Status = OutboxMessage.Status


@dataclass
class FakeSmsGateway:
    """The outside world: records each request, answers with the next scripted status."""

    answers: list[tuple[int, bytes]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def sms_server(settings) -> Iterator[FakeSmsGateway]:
    fake = FakeSmsGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            fake.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            status, answer = fake.answers.pop(0) if fake.answers else (200, b'{"id": "m-1"}')
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms"
    settings.TRANTIB_SMS_HTTP_URL = fake.url
    settings.TRANTIB_SMS_HTTP_AUTH = "Bearer s3cret"
    settings.TRANTIB_SMS_HTTP_CONTENT_TYPE = "application/json"
    settings.TRANTIB_SMS_HTTP_BODY = (
        '{{"to": "{to}", "message": "{body}", "idempotency_key": "{key}"}}'
    )
    settings.TRANTIB_SMS_HTTP_TIMEOUT = 5
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def http(use_gateway, sms_server) -> FakeSmsGateway:
    use_gateway("http")
    return sms_server


TRICKY = 'Pengaduan "PGD/12" diterima.\nBalas \\STOP untuk berhenti.'


def test_the_http_gateway_posts_the_template_with_auth_and_idempotency_key(sms, http):
    message = sms(now=T0, body=TRICKY)
    assert outbox_deliver(now=at(0)) == DeliveryResult(sent=1)
    [request] = http.requests
    assert request["path"] == "/api/sms"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Idempotency-Key"] == message.idempotency_key
    assert request["headers"]["Content-Type"] == "application/json"
    # Quotes, newline and backslash are JSON-escaped: the body parses and says what was meant.
    assert json.loads(request["body"]) == {
        "to": "+6281234567890",
        "message": TRICKY,
        "idempotency_key": message.idempotency_key,
    }
    message.refresh_from_db()
    assert message.status == Status.SENT and message.gateway_ref == "m-1"
    assert message.gateway == "http"


def test_a_form_encoded_template_is_url_encoded(sms, http, settings):
    settings.TRANTIB_SMS_HTTP_CONTENT_TYPE = "application/x-www-form-urlencoded"
    settings.TRANTIB_SMS_HTTP_BODY = "to={to}&text={body}"
    sms(now=T0, body="a&b=c d")
    outbox_deliver(now=at(0))
    assert http.requests[0]["body"] == b"to=%2B6281234567890&text=a%26b%3Dc+d"


@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_a_server_error_is_retried_with_the_same_key(sms, http, status):
    http.answers = [(status, b"busy"), (200, b"{}")]
    message = sms(now=T0)
    assert outbox_deliver(now=at(0)) == DeliveryResult(failed=1)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert f"HTTP {status}: busy" in message.last_error
    assert outbox_deliver(now=at(30)) == DeliveryResult(sent=1)
    keys = [r["headers"]["Idempotency-Key"] for r in http.requests]
    assert keys == [message.idempotency_key] * 2
    message.refresh_from_db()
    assert message.gateway_ref == "http-200"  # no id in the answer


@pytest.mark.parametrize("status", [400, 401, 422])
def test_a_client_error_is_a_dead_letter(sms, http, status):
    http.answers = [(status, b'{"error": "invalid msisdn"}')]
    message = sms(now=T0)
    assert outbox_deliver(now=at(0)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert message.status == Status.DEAD and "invalid msisdn" in message.last_error
    assert len(http.requests) == 1


def test_an_unreachable_gateway_is_a_transient_failure(sms, http, settings):
    # The port of a server that has just been closed: connection refused.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.TRANTIB_SMS_HTTP_URL = f"http://127.0.0.1:{port}/"
    message = sms(now=T0)
    assert outbox_deliver(now=at(0)) == DeliveryResult(failed=1)
    message.refresh_from_db()
    assert message.status == Status.PENDING and "127.0.0.1" in message.last_error


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TRANTIB_SMS_HTTP_URL", "", "http(s) URL"),
        ("TRANTIB_SMS_HTTP_URL", "file:///etc/passwd", "http(s) URL"),
        ("TRANTIB_SMS_HTTP_BODY", '{"to": "{to}"}', "TRANTIB_SMS_HTTP_BODY"),
        ("TRANTIB_SMS_HTTP_BODY", "{to} {sender}", "TRANTIB_SMS_HTTP_BODY"),
    ],
)
def test_a_misconfigured_http_gateway_claims_nothing(sms, http, settings, name, value, words):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured) as err:
        HttpSmsGateway()
    assert words in str(err.value)
    message = sms(now=T0)
    with pytest.raises(ImproperlyConfigured):
        outbox_deliver(now=at(0))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)


def test_an_unknown_gateway_name_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="unknown gateway 'pigeon'"):
        gateway_resolve("pigeon")
    with pytest.raises(ImproperlyConfigured, match="cannot import"):
        gateway_resolve("trantib.outbox.tests.gateways.Nothing")


# -- e-mail -----------------------------------------------------------------------------------


def test_the_email_gateway_sends_through_django_mail_with_a_key_derived_message_id(
    sms, use_gateway, settings
):
    settings.DEFAULT_FROM_EMAIL = "Trantib Kerjo <trantib@kerjo.example.id>"
    use_gateway("email", channel="email")
    message = sms(now=T0, channel="email", recipient="warga@example.id", subject="Pengaduan PGD/12")
    assert outbox_deliver(now=at(0)) == DeliveryResult(sent=1)
    [sent] = mail.outbox
    assert sent.to == ["warga@example.id"]
    assert sent.subject == "Pengaduan PGD/12"
    assert sent.body == message.body
    assert sent.from_email == "Trantib Kerjo <trantib@kerjo.example.id>"
    message_id = f"<{message.idempotency_key}@kerjo.example.id>"
    assert sent.extra_headers["Message-ID"] == message_id
    assert sent.extra_headers["Idempotency-Key"] == message.idempotency_key
    assert message_id in sent.message().as_string()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.gateway_ref == message_id


def test_the_email_gateway_refuses_an_sms(sms, use_gateway):
    use_gateway("email", channel="sms")
    message = sms(now=T0)
    assert outbox_deliver(now=at(0)) == DeliveryResult(dead=1)
    message.refresh_from_db()
    assert "cannot send sms messages" in message.last_error
    assert mail.outbox == []
