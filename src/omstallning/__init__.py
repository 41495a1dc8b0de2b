"""omstallning: omställningsplaner för den nya socialtjänstlagen."""

__version__ = "0.1.0"
