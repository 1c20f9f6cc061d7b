"""The station's own SQLite files: the journal, the offline cache and the print jobs."""
