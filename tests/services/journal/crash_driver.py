"""A headless packing driver for the crash test: journals scans and acknowledges each one on stdout.

Run as ``python crash_driver.py JOURNAL STATION``; it writes scans until it is killed. A line
``ACK <op_id>`` is printed only after the journal append returned, i.e. when the packer would see
the feedback.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Operation, Scanned


def main() -> None:
    journal = Journal(Path(sys.argv[1]))
    station = sys.argv[2]
    package_ids = [int(value) for value in sys.argv[3].split(",")]
    counter = 0
    while True:
        counter += 1
        package_id = package_ids[counter % len(package_ids)]
        op = Operation(
            body=Scanned(outcome=ScanOutcome.UNKNOWN_BARCODE, text=f"86900{counter:08d}"),
            station=station,
            occurred_at=datetime.now(UTC),
            package_id=package_id,
        )
        journal.append(op)
        sys.stdout.write(f"ACK {op.op_id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
