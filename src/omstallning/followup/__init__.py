"""Follow-up: outcomes over time, status proposals, imports and the Kolada snapshot."""
