"""``python -m packstation.simulators.n11 --port 8767 --packages 20 [--rest-disabled]``.

Prints one line ``listening <base_url> appkey=<key>`` when ready, then serves until Ctrl+C.
"""

from __future__ import annotations

import argparse
import logging
import sys

from packstation.simulators.n11.server import N11Server
from packstation.simulators.n11.state import N11SimConfig, SimulatedN11
from packstation.simulators.serving import serve_until_interrupted


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until interrupted."""
    parser = argparse.ArgumentParser(description="Simulated N11 store (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8767, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--packages", type=int, default=10)
    parser.add_argument("--app-key", default=N11SimConfig.app_key)
    parser.add_argument("--app-secret", default=N11SimConfig.app_secret)
    parser.add_argument("--rest-disabled", action="store_true", help="as before N11 enables REST access")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    config = N11SimConfig(
        app_key=args.app_key,
        app_secret=args.app_secret,
        seed=args.seed,
        packages=args.packages,
        rest_enabled=not args.rest_disabled,
    )
    server = N11Server(SimulatedN11(config), host=args.host, port=args.port).start()
    print(f"listening {server.base_url} appkey={config.app_key}", flush=True)
    return serve_until_interrupted(server)


if __name__ == "__main__":
    sys.exit(main())
