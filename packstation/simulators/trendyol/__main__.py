"""``python -m packstation.simulators.trendyol --port 8765 --seed 7 --packages 500``.

Prints one line ``listening <base_url>`` when ready (scripts wait for it), then serves until Ctrl+C.
"""

from __future__ import annotations

import argparse
import logging
import sys

from packstation.simulators.serving import serve_until_interrupted
from packstation.simulators.trendyol.catalog import Naming
from packstation.simulators.trendyol.render import encoded_packages
from packstation.simulators.trendyol.server import SimulatorServer
from packstation.simulators.trendyol.state import ListFilter, SimulatedMarketplace, SimulatorConfig


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until interrupted."""
    parser = argparse.ArgumentParser(description="Simulated Trendyol seller API (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--seller-id", default="100200")
    parser.add_argument("--api-key", default="sim-api-key")
    parser.add_argument("--api-secret", default="sim-api-secret")
    parser.add_argument("--naming", choices=[n.value for n in Naming], default=Naming.MIXED.value)
    parser.add_argument(
        "--burst-limit",
        type=int,
        default=50,
        help="requests per endpoint within 10 s, as Trendyol allows (0: no limit, for benchmarks)",
    )
    parser.add_argument(
        "--legacy-paged", action="store_true", help="serve the old paged list instead of answering it 426"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    config = SimulatorConfig(
        seed=args.seed,
        packages=args.packages,
        seller_id=args.seller_id,
        api_key=args.api_key,
        api_secret=args.api_secret,
        naming=Naming(args.naming),
        burst_limit=args.burst_limit or None,
        retire_old_paged=not args.legacy_paged,
    )
    sim = SimulatedMarketplace(config)
    # Encode every package before serving: listings then cost what a real marketplace's do to us,
    # almost nothing, instead of the simulator's own CPU (it often shares the machine with the client).
    encoded_packages(sim.rendered, list(sim.iter_desc(ListFilter())))
    server = SimulatorServer(sim, host=args.host, port=args.port).start()
    print(f"listening {server.base_url} admin={server.admin_url}", flush=True)
    return serve_until_interrupted(server)


if __name__ == "__main__":
    sys.exit(main())
