"""Supervisor screens: the dashboard, the sync panel and the pages behind F9 and F12."""
