"""The window's frame: the application, the main window, the event bridge, tasks, theme and login."""
