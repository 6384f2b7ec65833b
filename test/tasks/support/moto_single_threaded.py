"""moto's server on one thread: requests are served one at a time, so each DynamoDB request,
conditional writes included, is atomic as it is on DynamoDB.

`moto_server` (moto 5.2.x) always calls werkzeug's `run_simple(..., threaded=True)` and has no
flag to turn threads off; moto's conditional writes check and write without a lock, so two
concurrent writers of the same version can both win. This runs the same application
(`moto.server`'s DomainDispatcherApplication and MotoRequestHandler) with `threaded=False`.
On DynamoDB a write with a condition expression succeeds only if the condition holds against
the item as it is when the write applies ("If the condition expression evaluates to true, the
operation succeeds; otherwise, the operation fails"):
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.SpecifyingConditions.html

usage: python moto_single_threaded.py HOST PORT
"""
import os
import sys

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=False, processes=1, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
