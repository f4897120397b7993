"""Web helpers shared by the four Flask apps: problem details, health, metrics, the base app."""
