"""bot.errors: one module owns every error of the bot, each with its own title for Slack."""

from __future__ import annotations

import inspect
import re

import pytest

from blocks import limits
from bot import errors
from bot.errors import BotError


def _classes() -> list[type[BotError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass)
            if issubclass(c, BotError) and c.__module__ == errors.__name__]


def _tree() -> dict[str, int]:
    """Each class the docstring draws, with its depth in the tree."""
    drawn = re.findall(r"^( *)[*+\-.] (\w+)$", errors.__doc__ or "", re.M)
    return {name: len(indent) for indent, name in drawn}


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_each_error_has_its_own_title_that_fits_a_slack_view(cls: type[BotError]) -> None:
    assert "title" in vars(cls), f"{cls.__name__} inherits its title"
    assert cls.title.strip() and len(cls.title) <= limits.VIEW_TITLE


def test_the_docstring_tree_names_every_error_and_nothing_else() -> None:
    assert set(_tree()) == {c.__name__ for c in _classes()}


def test_the_docstring_tree_draws_each_class_under_its_parent() -> None:
    tree = _tree()
    names = list(tree)
    for cls in _classes():
        if cls is BotError:
            continue
        at = names.index(cls.__name__)
        parent = next(n for n in reversed(names[:at]) if tree[n] < tree[cls.__name__])
        assert cls.__bases__[0].__name__ == parent, cls.__name__


def test_no_error_of_the_bot_is_defined_outside_bot_errors() -> None:
    """Every BotError subclass the running bot knows lives in bot.errors."""
    import bot.cli  # noqa: F401  (loads every module a command can reach)
    import handlers  # noqa: F401

    def subclasses(cls: type) -> list[type]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    elsewhere = [f"{c.__module__}.{c.__name__}" for c in subclasses(BotError)
                 if c.__module__ != errors.__name__ and not c.__module__.startswith("tests")]
    assert not elsewhere
