"""Event contracts: the CloudEvents envelope and one registry of payload schemas."""
