"""Local stand-ins for the marketplaces' seller APIs, for the demo, the tests and the benchmarks."""
