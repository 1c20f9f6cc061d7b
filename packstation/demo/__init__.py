"""The demo: a Turkish shoe shop's catalogue and parcels, and a simulated marketplace feeding it."""
