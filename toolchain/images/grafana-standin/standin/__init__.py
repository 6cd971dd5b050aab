"""The Grafana stand-in's code; server.py beside this package starts it."""
