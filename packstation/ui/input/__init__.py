"""Scanner input in the window: the keyboard-wedge capture."""
