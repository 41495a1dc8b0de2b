"""The shared introduction beyond its text.

The register of reforms (`reforms`), clear language (`language`) and how a region's copy
differs from the tool's default (`compare`).
"""
