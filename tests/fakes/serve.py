"""The fake identity + XPM + Xero server (tests/fakes/xero.py) as a process of its own, holding a
generated practice: what `make run` connects the demo practice to when no XERO_* variable is set
(``manage.py serve`` starts it with the demo's client id, secret, size and seed).

    .venv/bin/python -m tests.fakes.serve [--port 8765] [--clients 250] [--seed 7]

Only ever for local use: it accepts any redirect URI and its client secret is published.
"""

from __future__ import annotations

import argparse
import sys

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.fakes import contracts
from tests.fakes.practice import generated
from tests.fakes.xero import FakeXero

# The same published values as wizard.demo (tests/wizard/test_serve.py keeps them equal).
DEMO_CLIENT_ID = "liftoff-demo"
DEMO_CLIENT_SECRET = "liftoff-demo-not-secret"  # published, local demo only


class ServedFake(FakeXero):
    """The fake with nobody to fail a test: a contract violation is printed when it happens, and
    nothing piles up over a long session."""

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        with self.lock:
            for violation in self.violations:
                print(f"fake Xero: contract violation: {violation}", file=sys.stderr, flush=True)
            self.violations.clear()
            self.seen.clear()
        return response


def build(*, clients: int, seed: int, client_id: str, secret: str, base_url: str) -> ServedFake:
    made = generated(clients, seed)
    fake = ServedFake(
        clients=made.clients,
        contacts=made.contacts,
        jobs=made.jobs,
        staff=made.staff,
        invoices=made.invoices,
        client_id=client_id,
        secret=secret,
    )
    fake.base_url = base_url
    # Build the validators now, or the first pull waits for them.
    contracts.xpm(base_url), contracts.accounting(base_url), contracts.identity(base_url)
    return fake


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client-id", default=DEMO_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEMO_CLIENT_SECRET)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, None, threaded=True)
    base_url = f"http://{args.host}:{server.server_port}"
    server.app = build(
        clients=args.clients,
        seed=args.seed,
        client_id=args.client_id,
        secret=args.client_secret,
        base_url=base_url,
    )
    print(
        f"Fake XPM and Xero at {base_url}: {len(server.app.clients)} clients, "
        f"{len(server.app.contacts)} contacts, {len(server.app.jobs)} jobs, "
        f"{len(server.app.invoices)} invoices; client id {args.client_id}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
