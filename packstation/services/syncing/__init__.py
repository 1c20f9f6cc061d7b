"""Running the marketplace sync: accounts, clients, leadership, the scheduled jobs and one-shot cycles.

Qt-free. ``packstation.services.sync`` pulls packages, ``packstation.services.outbox`` pushes what the
station did; this package decides who runs them, when, and with which client.
"""
