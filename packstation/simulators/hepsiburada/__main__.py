"""``python -m packstation.simulators.hepsiburada --port 8766 --orders 50 [--auto-pack]``.

Prints one line ``listening <base_url> merchant=<id> user_agent=<name>`` when ready, then serves until Ctrl+C.
"""

from __future__ import annotations

import argparse
import logging
import sys

from packstation.simulators.hepsiburada.server import HepsiburadaServer
from packstation.simulators.hepsiburada.state import HbSimConfig, SimulatedHepsiburada
from packstation.simulators.serving import serve_until_interrupted


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until interrupted."""
    parser = argparse.ArgumentParser(description="Simulated Hepsiburada order service (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--auto-pack", action="store_true", help="HB packs every order itself")
    parser.add_argument("--merchant-id", default=HbSimConfig.merchant_id)
    parser.add_argument("--service-key", default=HbSimConfig.service_key)
    parser.add_argument("--user-agent", default=HbSimConfig.user_agent)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    config = HbSimConfig(
        merchant_id=args.merchant_id,
        service_key=args.service_key,
        user_agent=args.user_agent,
        seed=args.seed,
        orders=args.orders,
        auto_pack=args.auto_pack,
    )
    server = HepsiburadaServer(SimulatedHepsiburada(config), host=args.host, port=args.port).start()
    print(f"listening {server.base_url} merchant={config.merchant_id} user_agent={config.user_agent}", flush=True)
    return serve_until_interrupted(server)


if __name__ == "__main__":
    sys.exit(main())
