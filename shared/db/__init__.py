"""Database helpers: engines, the unit of work, outbox and inbox tables, migrations."""
