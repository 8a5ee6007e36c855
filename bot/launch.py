"""How ``huurhulp run`` (:mod:`bot.stack`) starts Rasa and the gateway workers.

``python -m bot.launch rasa <rasa arguments>``
    Runs ``rasa <arguments> --auth-token <token>`` in this process, with the token taken from
    ``HUURHULP_RASA_TOKEN`` (and removed from the environment before Rasa starts). Rasa reads
    its HTTP API token only from the command line, and a command line is readable by every
    user of the machine (``ps``, ``/proc/<pid>/cmdline``); this process's own command line
    never holds it (``/proc/<pid>/environ`` is readable only by its owner).

``python -m bot.launch gateway --fd N [--fd M ...] [--log-level info] [--forwarded-allow-ips IPS]``
    Serves ``bot.app:create_app`` with uvicorn on listening sockets inherited from
    ``huurhulp run`` (``--gateway-workers``): one port shared by every worker (the kernel
    hands each new connection to one of them, and while one worker restarts the others keep
    accepting, so nobody sees "connection refused"), plus each worker's own port on
    127.0.0.1, which the supervisor's health check and the tests use to reach that worker.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence

TOKEN_ENV = "HUURHULP_RASA_TOKEN"  # noqa: S105 (a variable name)


def run_rasa(arguments: Sequence[str]) -> None:
    """Run Rasa's command line with the API token from the environment."""
    token = os.environ.pop(TOKEN_ENV, "")
    if not token:
        raise SystemExit(f"{TOKEN_ENV} is not set: Rasa's HTTP API needs a token.")
    if "--auth-token" in arguments:
        raise SystemExit("pass the token in the environment, not on the command line")
    # One argument "--auth-token=<token>": a token_urlsafe token starts with "-" once in
    # 64, and argparse would read "--auth-token -abc" as a missing value.
    sys.argv = ["rasa", *arguments, f"--auth-token={token}"]
    from rasa.__main__ import main

    main()


def run_gateway(arguments: Sequence[str]) -> None:
    """Serve the gateway with uvicorn on the inherited sockets."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bot.launch gateway")
    parser.add_argument("--fd", type=int, action="append", required=True, help="an inherited socket")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    options = parser.parse_args(arguments)
    sockets = [socket.socket(fileno=fd) for fd in options.fd]
    config = uvicorn.Config(
        "bot.app:create_app",
        factory=True,
        ws="wsproto",
        log_level=options.log_level,
        proxy_headers=True,
        forwarded_allow_ips=options.forwarded_allow_ips,
    )
    uvicorn.Server(config).run(sockets=sockets)


def main(argv: Sequence[str] | None = None) -> None:
    """``rasa ...`` or ``gateway ...``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in ("rasa", "gateway"):
        raise SystemExit("usage: python -m bot.launch rasa <rasa arguments> | gateway --fd N ...")
    if arguments[0] == "rasa":
        run_rasa(arguments[1:])
    else:
        run_gateway(arguments[1:])


if __name__ == "__main__":
    main()
