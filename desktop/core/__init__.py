"""Headless core of semdesk. Never imports Qt (checked by tests/test_architecture.py)."""
