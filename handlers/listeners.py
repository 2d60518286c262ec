"""The one explicit list of listener modules; each has `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import buttons, home, palette, shortcuts, slash, undo, views

MODULES = (slash, shortcuts, palette, buttons, undo, views, home)


def register_all(app: App) -> None:
    for module in MODULES:
        module.register(app)
