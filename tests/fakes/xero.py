"""A fake Xero identity + XPM + Xero server (one WSGI app on 127.0.0.1, in a thread), built from
the contracts in tests/fakes/contracts and holding a generated practice (audits.testdata).

It keeps state like the real services (docs/connect.md): an authorise page where the person picks
tenants, a token endpoint whose access tokens expire and whose refresh tokens rotate (a used one is
refused), ``/connections``, ``Xero-Tenant-Id`` required, paging, and 429 with ``Retry-After`` past
the per-minute limit. Every API request it receives and every response it sends is validated
against the OpenAPI documents; a mismatch is kept in ``violations`` (the fixture fails the test).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from collections import deque
from datetime import UTC, date, datetime
from html import escape
from urllib.parse import urlencode

from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.fakes import contracts

ACCESS_SECONDS = 1800
CLOSED_STATES = {"completed", "cancelled"}  # not "current" jobs
CONDITION = re.compile(
    r'^(?:Type=="(?P<type>[A-Z]+)"|Date(?P<op>>=|<=)DateTime\((?P<y>\d{4}),(?P<m>\d{1,2}),(?P<d>\d{1,2})\))$'
)


class FakeXero:
    def __init__(
        self,
        *,
        clients: list[dict],
        contacts: list[dict],
        client_id: str,
        secret: str,
        jobs: list[dict] | None = None,
        staff: list[dict] | None = None,
        invoices: list[dict] | None = None,
    ):
        self.clients, self.contacts = clients, contacts
        self.jobs, self.staff, self.invoices = jobs or [], staff or [], invoices or []
        self.client_id, self.secret = client_id, secret
        self.xpm = {
            "id": str(uuid.uuid4()),
            "tenantId": str(uuid.uuid4()),
            "type": "PRACTICEMANAGER",
        }
        self.org = {"id": str(uuid.uuid4()), "tenantId": str(uuid.uuid4()), "type": "ORGANISATION"}
        self.xpm["name"], self.org["name"] = "Harbour & Co (XPM)", "Harbour & Co"
        self.connected: list[dict] = []
        self.codes: dict[str, dict] = {}
        self.access: dict[str, float] = {}  # token -> expiry (self.now())
        self.refresh: dict[str, bool] = {}  # token -> still usable
        self.offset = 0.0  # seconds added to the clock (tests move time on)
        self.per_minute = 60
        self.calls: dict[str, deque] = {}
        self.fail_calls: set[int] = set()  # API call numbers answered with 500
        self.api_calls = 0
        self.violations: list[str] = []
        self.idempotent: dict[str, str] = {}  # Idempotency-Key -> the answer first given
        self.writes: list[dict] = []  # every change applied: {"path", "body"}
        self.lose_answers = 0  # changes applied whose answer is then lost (a 503 instead)
        self.seen: list[Request] = []
        self.base_url = ""
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self.offset

    # --- serving -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path == "/identity/connect/authorize":
            return self.authorize(request)
        if path == "/connect/token":
            return self.token(request)
        if path == "/connect/revocation":
            return self.revoke(request)
        spec = self._spec_for(path)
        if spec is None:
            return Response("not found", status=404)
        self.seen.append(request)
        self._validate_request(spec, request)
        response = self.api(request)
        self._validate_response(spec, request, response)
        return response

    def _spec_for(self, path: str):
        if path.startswith("/practicemanager/"):
            return contracts.xpm(self.base_url)
        if path.startswith("/api.xro/2.0/"):
            return contracts.accounting(self.base_url)
        if path.startswith("/connections"):
            return contracts.identity(self.base_url)
        return None

    def _validate_request(self, spec, request: Request) -> None:
        result = spec.unmarshal_request(WerkzeugOpenAPIRequest(request))
        errors = [e for e in result.errors if "Security" not in type(e).__name__]
        if errors:
            self.violations.append(f"request {request.method} {request.full_path}: {errors}")

    def _validate_response(self, spec, request: Request, response: Response) -> None:
        if response.status_code not in (200, 204):
            return  # most operations declare no 401/404/429 although the APIs send them
        try:
            spec.validate_response(
                WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
            )
        except Exception as error:  # any mismatch is a contract violation
            cause = getattr(error, "__cause__", None)
            detail = getattr(cause, "schema_errors", None) or cause or error
            self.violations.append(f"response {request.method} {request.path}: {detail}")

    # --- identity --------------------------------------------------------------------------------
    def authorize(self, request: Request) -> Response:
        args = request.values
        if args.get("client_id") != self.client_id:
            return Response("unknown client", status=400)
        if request.method == "GET":
            return Response(self._consent_page(args), content_type="text/html")
        chosen = set(request.form.getlist("tenant"))
        self.connected = [t for t in (self.xpm, self.org) if t["tenantId"] in chosen]
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": args["redirect_uri"], "scope": args.get("scope", "")}
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _consent_page(self, args) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in args.items()
        )
        boxes = "".join(
            f'<label><input type="checkbox" name="tenant" value="{t["tenantId"]}" checked> '
            f"{escape(t['name'])} ({t['type']})</label><br>"
            for t in (self.xpm, self.org)
        )
        return (
            "<!doctype html><title>Fake Xero: allow access</title><h1>Allow access</h1>"
            f"<p>Liftoff asks for: {escape(args.get('scope', ''))}</p>"
            f'<form method="post">{hidden}{boxes}<button type="submit">Allow access</button></form>'
        )

    def _client_ok(self, request: Request) -> bool:
        auth = request.authorization
        if auth is not None:
            return (auth.username, auth.password) == (self.client_id, self.secret)
        form = request.form
        return (form.get("client_id"), form.get("client_secret")) == (self.client_id, self.secret)

    def token(self, request: Request) -> Response:
        form = request.form
        if not self._client_ok(request):
            return _json({"error": "invalid_client"}, 401)
        with self.lock:
            if form.get("grant_type") == "authorization_code":
                grant = self.codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return _json({"error": "invalid_grant"}, 400)
                return _json(self._issue(grant["scope"]))
            if form.get("grant_type") == "refresh_token":
                old = form.get("refresh_token", "")
                if not self.refresh.get(old):
                    return _json({"error": "invalid_grant"}, 400)
                self.refresh[old] = False  # rotation: a used refresh token is refused
                return _json(self._issue(form.get("scope", "")))
        return _json({"error": "unsupported_grant_type"}, 400)

    def _issue(self, scope: str) -> dict:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = self.now() + ACCESS_SECONDS
        self.refresh[refresh] = True
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": ACCESS_SECONDS,
            "token_type": "Bearer",
            "scope": scope,
        }

    def revoke(self, request: Request) -> Response:
        self.refresh.pop(request.form.get("token", ""), None)
        return Response(status=200)

    # --- the APIs --------------------------------------------------------------------------------
    def api(self, request: Request) -> Response:
        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.access.get(bearer, 0) <= self.now():
            return _json({"Title": "Unauthorized", "Status": 401}, 401)
        if request.path.startswith("/connections"):
            return self.connections(request)
        tenant = request.headers.get("Xero-Tenant-Id", "")
        limited = self._limited(tenant)
        if limited is not None:
            return limited
        self.api_calls += 1
        if self.api_calls in self.fail_calls:
            return _json({"status": "Error", "errorDescription": "try again"}, 500)
        if request.path.startswith("/practicemanager/") and tenant == self.xpm["tenantId"]:
            return self.xpm_api(request)
        if request.path.startswith("/api.xro/") and tenant == self.org["tenantId"]:
            return self.xero_api(request)
        return _json({"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"}, 403)

    def xpm_api(self, request: Request) -> Response:
        path = request.path.removeprefix("/practicemanager/v3.1/")
        found = {
            ("GET", "client.api/paged-list"): self.xpm_clients,
            ("GET", "job.api/current"): self.xpm_current_jobs,
            ("GET", "job.api/list"): self.xpm_jobs_between,
            ("GET", "staff.api/list"): self.xpm_staff,
            ("PUT", "client.api/update"): self.xpm_update_client,
            ("PUT", "job.api/state"): self.xpm_job_state,
        }.get((request.method, path))
        if found is None and request.method == "GET" and path.startswith("client.api/get/"):
            return self.xpm_client(path.removeprefix("client.api/get/"))
        if found is None and request.method == "GET" and path.startswith("job.api/get/"):
            return self.xpm_job(path.removeprefix("job.api/get/"))
        return found(request) if found else _json({"status": "ERROR"}, 404)

    def xero_api(self, request: Request) -> Response:
        path = request.path.removeprefix("/api.xro/2.0/")
        if path.startswith("Contacts/"):
            return self.xero_contact(request, path.removeprefix("Contacts/"))
        found = {"Contacts": self.xero_contacts, "Invoices": self.xero_invoices}.get(path)
        return found(request) if found else _json({"Title": "Not Found"}, 404)

    # --- the changes Liftoff may send back (renames and job states; nothing else) --------------
    def client_by(self, ident: str) -> dict | None:
        return next((c for c in self.clients if ident in (c["uuid"], c["name"])), None)

    def job_by(self, number: str) -> dict | None:
        return next((j for j in self.jobs if number in (j["id"], j["uuid"])), None)

    def contact_by(self, ident: str) -> dict | None:
        return next((c for c in self.contacts if c["ContactID"] == ident), None)

    def xpm_client(self, ident: str) -> Response:
        found = self.client_by(ident)
        if found is None:
            return _json({"status": "ERROR", "errorDescription": "Client not found"}, 404)
        return _json({"status": "OK", "client": found})

    def xpm_job(self, number: str) -> Response:
        found = self.job_by(number)
        if found is None:
            return _json({"status": "ERROR", "errorDescription": "Job not found"}, 404)
        return _json({"status": "OK", "job": found})

    def xpm_update_client(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        found = self.client_by(body.get("uuid") or "")
        if found is None:
            return _json({"status": "ERROR", "errorDescription": "Client not found"}, 404)
        if "name" in body and not (body["name"] or "").strip():
            return _json({"status": "ERROR", "errorDescription": "Name is required"}, 400)
        with self.lock:
            # Only fields a client has; an unknown one is the request's violation, not stored.
            found.update({k: v for k, v in body.items() if k in found and k != "uuid"})
            self.writes.append({"path": request.path, "body": body})
        return _json({"status": "OK", "client": found})

    def xpm_job_state(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        found = self.job_by(body.get("id") or "")
        if found is None:
            return _json({"status": "ERROR", "errorDescription": "Job not found"}, 404)
        if not (body.get("state") or "").strip():
            return _json({"status": "ERROR", "errorDescription": "State is required"}, 400)
        with self.lock:
            found["state"] = body["state"]
            self.writes.append({"path": request.path, "body": body})
        return _json({"status": "OK", "job": found})

    def xero_contact(self, request: Request, ident: str) -> Response:
        found = self.contact_by(ident)
        if found is None:
            return _json({"Title": "Not Found"}, 404)
        if request.method == "GET":
            return _json({"Contacts": [found]})
        key = request.headers.get("Idempotency-Key", "")
        with self.lock:
            if key and key in self.idempotent:  # a repeated key is answered, not applied again
                return Response(self.idempotent[key], content_type="application/json")
            sent = ((request.get_json(silent=True) or {}).get("Contacts") or [{}])[0]
            if "Name" in sent and not (sent["Name"] or "").strip():
                error = {"Message": "Contact name is required", "ValidationErrors": []}
                return _json({"ErrorNumber": 10, "Type": "ValidationException", **error}, 400)
            found.update({k: v for k, v in sent.items() if k in found and k != "ContactID"})
            self.writes.append({"path": request.path, "body": sent})
            answer = json.dumps({"Contacts": [found]})
            if key:
                self.idempotent[key] = answer
            if self.lose_answers:
                self.lose_answers -= 1
                return _json({"Title": "Service Unavailable"}, 503)
        return Response(answer, content_type="application/json")

    def _limited(self, tenant: str) -> Response | None:
        with self.lock:
            window = self.calls.setdefault(tenant, deque())
            while window and window[0] <= self.now() - 60:
                window.popleft()
            if len(window) >= self.per_minute:
                retry = max(1, int(window[0] + 60 - self.now()) + 1)
                return Response(status=429, headers={"Retry-After": str(retry)})
            window.append(self.now())
        return None

    def connections(self, request: Request) -> Response:
        if request.method == "DELETE":
            ident = request.path.rsplit("/", 1)[-1]
            self.connected = [t for t in self.connected if t["id"] != ident]
            return Response(status=204)
        stamp = "2026-12-01T10:02:00Z"
        body = [
            {
                "id": t["id"],
                "tenantId": t["tenantId"],
                "tenantType": t["type"],
                "tenantName": t["name"],
                "createdDateUtc": stamp,
                "updatedDateUtc": stamp,
            }
            for t in self.connected
        ]
        return _json(body)

    def xpm_clients(self, request: Request) -> Response:
        size = int(request.args.get("pageSize") or 50)
        start = int(request.args.get("pageToken") or 0)
        page = self.clients[start : start + size]
        links = {"first": f"{self.base_url}{request.path}?pageSize={size}"}
        if start + size < len(self.clients):
            links["next"] = (
                f"{self.base_url}{request.path}?pageSize={size}&pageToken={start + size}"
            )
        return _json({"status": "OK", "clients": page, "pagination": {"links": links}})

    def xpm_current_jobs(self, request: Request) -> Response:
        jobs = [j for j in self.jobs if (j["state"] or "").lower() not in CLOSED_STATES]
        return _json({"status": "OK", "jobs": jobs})

    def xpm_jobs_between(self, request: Request) -> Response:
        """Jobs whose dates overlap ``from``..``to`` (yyyyMMdd, both required)."""
        try:
            start, end = (_day(request.args[k], "%Y%m%d") for k in ("from", "to"))
        except (KeyError, ValueError):
            return _json({"status": "ERROR", "errorDescription": "from and to: yyyyMMdd"}, 400)
        jobs = []
        for job in self.jobs:
            begins = _day((job["startDate"] or job["dueDate"] or "")[:10], "%Y-%m-%d")
            ends = _day((job["dueDate"] or job["startDate"] or "")[:10], "%Y-%m-%d")
            if begins and ends and begins <= end and ends >= start:
                jobs.append(job)
        return _json({"status": "OK", "jobs": jobs})

    def xpm_staff(self, request: Request) -> Response:
        return _json({"status": "OK", "staffList": self.staff})

    @staticmethod
    def _page(request: Request, records: list[dict], key: str) -> Response:
        size = int(request.args.get("pageSize") or 100)
        number = int(request.args.get("page") or 1)
        page = records[(number - 1) * size : number * size]
        count = -(-len(records) // size)
        pagination = {"page": number, "pageSize": size, "pageCount": count}
        pagination["itemCount"] = len(records)
        return _json({"pagination": pagination, key: page})

    def xero_contacts(self, request: Request) -> Response:
        return self._page(request, self.contacts, "Contacts")

    def xero_invoices(self, request: Request) -> Response:
        """Invoices matching ``where``: only ``Type=="…"`` and ``Date>=``/``Date<=DateTime(y,m,d)``
        joined by AND are understood; anything else is refused, so the product cannot send a
        filter the fake would silently ignore."""
        wanted = list(self.invoices)
        for condition in filter(None, (request.args.get("where") or "").split(" AND ")):
            found = CONDITION.match(condition.strip())
            if found is None:
                return _json({"Title": "Bad where", "Detail": condition}, 400)
            wanted = [i for i in wanted if _meets(i, found)]
        return self._page(request, wanted, "Invoices")


def _day(text: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return None


def _meets(invoice: dict, condition: re.Match) -> bool:
    if condition["type"]:
        return invoice["Type"] == condition["type"]
    stamp = int(re.search(r"\d+", invoice["Date"]).group()) / 1000
    day = datetime.fromtimestamp(stamp, tz=UTC).date()
    bound = date(int(condition["y"]), int(condition["m"]), int(condition["d"]))
    return day >= bound if condition["op"] == ">=" else day <= bound


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class Running:
    """The fake served on 127.0.0.1 in a daemon thread."""

    def __init__(self, fake: FakeXero):
        self.server = make_server("127.0.0.1", 0, fake, threaded=True)
        fake.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.fake, self.url = fake, fake.base_url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
