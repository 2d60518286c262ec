import pytest

from bot.errors import UsageError
from bot.targets import parse_targets


@pytest.mark.parametrize(("tokens", "keys"), [
    (["1", "2", "5-9"], ["1", "2", "5", "6", "7", "8", "9"]),
    (["1,2,5-7"], ["1", "2", "5", "6", "7"]),
    (["5 - 7"], ["5", "6", "7"]),
    (["3", "3", "2-3"], ["3", "2"]),
    (["7545769088"], ["7545769088"]),
    (["#1001"], ["1001"]),
    (["0b1f2c3d-0000-4000-8000-000000000001"], ["0b1f2c3d-0000-4000-8000-000000000001"]),
])
def test_ids_and_ranges(tokens: list[str], keys: list[str]) -> None:
    assert parse_targets(tokens).keys == keys


def test_all_and_changed() -> None:
    assert parse_targets(["--all"]).all
    assert parse_targets(["--changed"]).changed
    assert parse_targets([]).empty


@pytest.mark.parametrize("tokens", [["9-5"], ["1-999999"], ["--all", "--changed"], ["--all", "3"], ["--force"]])
def test_bad_targets_say_why(tokens: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_targets(tokens)
