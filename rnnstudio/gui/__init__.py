"""The window: PySide6 panes over one Document; `rnnstudio [FILE]` starts it (gui.app.run)."""
