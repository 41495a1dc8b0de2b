"""Checking: the validation rules, their orchestration over workers, and finding reports."""
