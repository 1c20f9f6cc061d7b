"""The station itself: first-run set-up, the doctor's checks and the heartbeat."""
