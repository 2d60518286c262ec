"""bot.slack.seal: what leaves through Ui is sealed, what comes back is checked and stripped."""

from __future__ import annotations

import pytest

from bot.errors import Tampered
from bot.slack.seal import Sealer


def test_a_view_and_its_buttons_round_trip_and_a_change_is_refused() -> None:
    sealer = Sealer("secret")
    view = {"type": "modal", "private_metadata": '{"command":"x","key":"1001"}',
            "blocks": [{"type": "actions", "elements": [{"type": "button", "action_id": "a", "value": "v"},
                                                        {"type": "static_select", "action_id": "s"}]}]}
    sealed = sealer.seal_view(view)
    assert sealed["private_metadata"].startswith(view["private_metadata"] + "~")
    button = sealed["blocks"][0]["elements"][0]
    assert button["value"].startswith("v~") and sealer.seal_view(sealed) == sealed  # sealed once
    body = {"type": "block_actions", "view": {"private_metadata": sealed["private_metadata"]},
            "actions": [{"type": "button", "value": button["value"]}, {"type": "plain_text_input", "value": "typed"}]}
    sealer.open_body(body)
    assert body["view"]["private_metadata"] == view["private_metadata"]
    assert [a["value"] for a in body["actions"]] == ["v", "typed"]
    for forged in ('{"command":"x","key":"1002"}~' + sealed["private_metadata"].rpartition("~")[2],
                   view["private_metadata"], sealed["private_metadata"] + "x"):
        with pytest.raises(Tampered):
            sealer.open_body({"view": {"private_metadata": forged}})
    with pytest.raises(Tampered):  # leaving out the type does not skip the check
        sealer.open_body({"actions": [{"value": "v"}]})
    with pytest.raises(Tampered):  # another workspace's secret
        Sealer("other").open_body({"view": {"private_metadata": sealed["private_metadata"]}})
