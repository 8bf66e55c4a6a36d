"""The load test: `make load` (see load/run.py). Not an app: nothing in Trellis imports it."""
