"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``.

Services are the active complaint categories; a service request is a complaint, its
``service_request_id`` the complaint's database id. Every resource comes as ``.xml`` (required
by the spec) and ``.json`` (the spec's Spark mapping of the XML: a list element becomes an
array). Errors use the spec's ``errors``/``error`` shape with the HTTP status (400 bad input,
403 bad ``api_key``, 404 unknown thing, 429 too many).

Ids are public, tracking numbers are secrets. ``GET requests`` lists every request to anyone,
so its ids must be enumerable without harm; the tracking number (``K7QM-4RTZ``) is what opens
a complaint's status page ``/lacak/<tracking>/`` (the answer to the reporter, a confidential
one's too) and must never be listable. So the tracking number appears only where the caller
has just created the request or already proves to know it: the ``service_notice`` of the POST
response, and ``tokens/{tracking}``. No list, record, notice or note of any other resource
carries one — not even a duplicate's, which names its original by id.

Posting needs an ``api_key`` of an :class:`Open311Client`; only its SHA-256 digest is stored.
Service type is ``realtime``: the POST answers with the ``service_request_id`` and, as the spec
asks, no ``token``. ``tokens/{token}`` takes the tracking number as the token and answers the
request's id, for clients that always ask or that only know the number the citizen holds.

The modules: ``keys`` (client keys), ``params`` (checking and parsing parameters), ``render``
(XML, JSON and the error format), ``selectors`` (request records and what GET requests lists,
with the privacy rules), ``views`` (the endpoints) and ``urls``.
"""

from .keys import open311_client_create, open311_client_revoke

__all__ = ["open311_client_create", "open311_client_revoke"]
