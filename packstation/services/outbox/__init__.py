"""Pushing what the station did to the marketplaces: statuses, unsupplied lines and stock."""
