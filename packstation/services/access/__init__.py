"""Access: logging in, users, permissions and approvals, the audit log and secrets."""
