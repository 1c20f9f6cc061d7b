"""What the operating system gives the window: translations, sounds and office printers."""
