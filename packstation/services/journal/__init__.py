"""The journal's typed operations and the pump that applies them to PostgreSQL."""
