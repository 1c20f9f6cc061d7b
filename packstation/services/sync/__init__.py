"""Pulling marketplace packages: accounts, clients, leadership, the scheduled jobs and one-shot cycles."""
