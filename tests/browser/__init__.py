"""Helpers for the tests that open pages in a real browser."""
