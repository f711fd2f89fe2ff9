"""The Slack stand-in, driven through the real slack_sdk clients the bot uses."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from coach_devkit.slack_standin import RESPONSE_URL, RecordedCall, SlackStandIn
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
USER = "U0456EFGH"
DM = "D0456EFGH"
TS = re.compile(r"^\d{10}\.\d{6}$")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def modal(title: str = "Log an interview", blocks: list | None = None, **extra: object) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks if blocks is not None else [section("When was it?")],
        **extra,
    }


@pytest.fixture
def standin():
    with SlackStandIn() as s:
        s.add_user(USER, tz="America/Los_Angeles", name="dana", real_name="Dana Reyes")
        yield s


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url)


def api_error(call, *args, **kwargs) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return info.value


# -- lifecycle ----------------------------------------------------------------------------------


def test_urls_follow_the_bound_port(standin: SlackStandIn):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", standin.base_url)
    assert standin.api_url == standin.base_url + "/api/"
    assert standin.response_url("r 1") == standin.base_url + "/response/r%201"


def test_starts_and_stops_cleanly_many_times():
    for _ in range(10):
        with SlackStandIn() as s:
            url = s.api_url
            assert WebClient(token=s.bot_token, base_url=url).auth_test()["ok"]
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(url + "auth.test", timeout=1)
    with pytest.raises(RuntimeError):
        _ = SlackStandIn().api_url


def test_can_restart_after_stop():
    s = SlackStandIn().start()
    s.stop()
    s.stop()  # idempotent
    s.start()
    try:
        assert WebClient(token=s.bot_token, base_url=s.api_url).auth_test()["ok"]
    finally:
        s.stop()


# -- auth ---------------------------------------------------------------------------------------


def test_auth_test(standin: SlackStandIn, client: WebClient):
    answer = client.auth_test()
    assert answer["user_id"] == "U0BOT5678"
    assert answer["team_id"] == "T0123ABCD"
    assert answer["bot_id"] == "B0BOT1234"
    assert {"url", "team", "user"} <= answer.data.keys()
    [call] = standin.calls
    assert call == RecordedCall(
        "auth.test",
        {},
        "xoxb-standin",
        failed=False,
        error=None,
        at=call.at,
        response=answer.data,
    )


def test_wrong_token_is_invalid_auth(standin: SlackStandIn):
    bad = WebClient(token="xoxb-wrong", base_url=standin.api_url)
    error = api_error(bad.chat_postMessage, channel=DM, text="hi")
    assert error.response.status_code == 200
    assert error.response.data == fixture("api_error_invalid_auth.json")
    [call] = standin.calls
    assert (call.failed, call.error, call.token) == (True, "invalid_auth", "xoxb-wrong")
    assert standin.messages(DM) == []


def test_missing_token_is_not_authed(standin: SlackStandIn):
    error = api_error(WebClient(base_url=standin.api_url).auth_test)
    assert error.response["error"] == "not_authed"


def test_unknown_method(standin: SlackStandIn, client: WebClient):
    assert api_error(client.api_call, "reactions.add").response["error"] == "unknown_method"
    assert standin.calls_to("reactions.add", include_failed=True)[0].failed


def test_a_path_outside_the_api_and_response_urls_is_not_found(standin: SlackStandIn):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(standin.base_url + "/elsewhere/auth.test", timeout=5)
    assert info.value.code == 404
    assert standin.calls == []


# -- users.info and conversations.open ----------------------------------------------------------


def test_users_info_matches_the_fixture_shape(client: WebClient):
    user = client.users_info(user=USER)["user"]
    expected = fixture("api_users_info.json")["user"]
    assert user.keys() >= expected.keys()
    assert user["profile"].keys() >= expected["profile"].keys()
    assert (user["id"], user["name"], user["real_name"], user["deleted"]) == (
        USER,
        "dana",
        "Dana Reyes",
        False,
    )
    assert (user["profile"]["first_name"], user["profile"]["last_name"]) == ("Dana", "Reyes")
    now = datetime.now(ZoneInfo("America/Los_Angeles"))
    assert user["tz"] == "America/Los_Angeles"
    assert user["tz_offset"] == now.utcoffset().total_seconds()
    expected_label = "Pacific Daylight Time" if now.dst() else "Pacific Standard Time"
    assert user["tz_label"] == expected_label


def test_users_info_other_zones(standin: SlackStandIn, client: WebClient):
    standin.add_user("U0KOLKATA", tz="Asia/Kolkata")
    # São Paulo's abbreviation is only "-03", so the label falls back to the offset.
    standin.add_user("U0SAOPAUL", tz="America/Sao_Paulo")
    user = client.users_info(user="U0KOLKATA")["user"]
    assert (user["tz_offset"], user["tz_label"], user["deleted"]) == (
        19800,
        "India Standard Time",
        False,
    )
    assert user["name"] == "u0kolkata"
    user = client.users_info(user="U0SAOPAUL")["user"]
    assert (user["tz_offset"], user["tz_label"]) == (-10800, "GMT-03:00")


def test_users_info_unknown_user(client: WebClient):
    assert api_error(client.users_info, user="U0NOBODY").response["error"] == "user_not_found"


def test_add_user_rejects_unknown_time_zone(standin: SlackStandIn):
    with pytest.raises(Exception, match="Mars"):
        standin.add_user("U0MARS", tz="Mars/Olympus_Mons")


def test_conversations_open_is_stable_and_reports_already_open(client: WebClient):
    first = client.conversations_open(users=USER).data
    assert first == {"ok": True, "channel": {"id": DM}}
    again = client.conversations_open(users=USER).data
    assert again == fixture("api_conversations_open.json") | {"channel": {"id": DM}}
    assert client.conversations_open(users="U0OTHER1")["channel"]["id"] == "D0OTHER1"
    error = api_error(client.conversations_open, users="")
    assert error.response["error"] == "users_list_not_supplied"


# -- messages -----------------------------------------------------------------------------------


def test_post_message_answers_in_fixture_shape(standin: SlackStandIn, client: WebClient):
    blocks = [section("Time to follow up with Acme Corp")]
    answer = client.chat_postMessage(channel=DM, text="Follow up", blocks=blocks)
    expected = fixture("api_chat_postMessage.json")
    assert answer.data.keys() >= expected.keys()
    assert answer["message"].keys() >= expected["message"].keys()
    assert TS.match(answer["ts"])
    assert answer["channel"] == DM
    message = answer["message"]
    assert (message["ts"], message["text"], message["blocks"]) == (
        answer["ts"],
        "Follow up",
        blocks,
    )
    assert (message["user"], message["bot_id"], message["team"]) == (
        "U0BOT5678",
        "B0BOT1234",
        "T0123ABCD",
    )
    assert standin.messages(DM) == [message]
    assert standin.calls_to("chat.postMessage")[0].params["blocks"] == blocks


def test_post_message_ts_strictly_increase_across_threads(standin: SlackStandIn):
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)

    def post(n: int) -> None:
        for i in range(5):
            client.chat_postMessage(channel=DM, text=f"{n}-{i}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m["ts"] for m in standin.messages(DM)]
    assert len(stamps) == 20
    assert all(TS.match(ts) for ts in stamps)
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 20


def test_thread_reply_is_kept(standin: SlackStandIn, client: WebClient):
    parent = client.chat_postMessage(channel=DM, text="parent")["ts"]
    reply = client.chat_postMessage(channel=DM, text="reply", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    assert [m.get("thread_ts") for m in standin.messages(DM)] == [None, parent]


def test_message_metadata_is_kept_and_shown_by_history_only_when_asked(
    standin: SlackStandIn, client: WebClient
):
    metadata = {"event_type": "interview_coach_nudge", "event_payload": {"nudge_id": 7}}
    first = client.chat_postMessage(channel=DM, text="first", metadata=metadata)["ts"]
    second = client.chat_postMessage(channel=DM, text="second")["ts"]

    assert standin.messages(DM)[0]["metadata"] == metadata
    with_metadata = client.conversations_history(channel=DM, include_all_metadata=True)
    assert [m["ts"] for m in with_metadata["messages"]] == [second, first]  # newest first
    assert with_metadata["messages"][1]["metadata"] == metadata
    assert "metadata" not in with_metadata["messages"][0]
    plain = client.conversations_history(channel=DM)
    assert all("metadata" not in m for m in plain["messages"])
    page = client.conversations_history(channel=DM, limit=1)
    assert ([m["ts"] for m in page["messages"]], page["has_more"]) == ([second], True)


def test_history_of_a_dm_never_written_to_is_empty_and_other_channels_unknown(
    client: WebClient,
):
    assert client.conversations_history(channel="D0NEVER00")["messages"] == []
    error = api_error(client.conversations_history, channel="C0PUBLIC1")
    assert error.response["error"] == "channel_not_found"


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ({"event_payload": {}}, "invalid_metadata_schema"),
        ({"event_type": "x", "event_payload": "not an object"}, "invalid_metadata_schema"),
        ("{not json", "invalid_metadata_format"),
    ],
)
def test_malformed_metadata_is_refused(client: WebClient, metadata: object, error: str):
    failed = api_error(client.chat_postMessage, channel=DM, text="x", metadata=metadata)
    assert failed.response["error"] == error


def test_post_message_needs_channel_and_content(standin: SlackStandIn, client: WebClient):
    assert api_error(client.chat_postMessage, channel="", text="x").response["error"] == (
        "channel_not_found"
    )
    with pytest.warns(UserWarning):
        assert api_error(client.chat_postMessage, channel=DM).response["error"] == "no_text"
    assert [c.error for c in standin.calls] == ["channel_not_found", "no_text"]


def test_message_text_is_limited_to_40000_characters(standin: SlackStandIn, client: WebClient):
    client.chat_postMessage(channel=DM, text="x" * 40_000)
    error = api_error(client.chat_postMessage, channel=DM, text="x" * 40_001)
    assert error.response["error"] == "msg_too_long"
    ts = standin.messages(DM)[0]["ts"]
    error = api_error(client.chat_update, channel=DM, ts=ts, text="x" * 40_001)
    assert error.response["error"] == "msg_too_long"
    assert len(standin.messages(DM)[0]["text"]) == 40_000


def test_chat_update_changes_the_stored_message(standin: SlackStandIn, client: WebClient):
    ts = client.chat_postMessage(channel=DM, text="draft", blocks=[section("draft")])["ts"]
    client.chat_postMessage(channel=DM, text="other")
    answer = client.chat_update(channel=DM, ts=ts, text="final", blocks=[section("final")])
    assert (answer["ts"], answer["text"], answer["message"]["text"]) == (ts, "final", "final")
    first, second = standin.messages(DM)
    assert (first["ts"], first["text"], first["blocks"]) == (ts, "final", [section("final")])
    assert second["text"] == "other"


def test_chat_update_keeps_fields_it_leaves_out(standin: SlackStandIn, client: WebClient):
    ts = client.chat_postMessage(channel=DM, text="t", blocks=[section("b")])["ts"]
    client.chat_update(channel=DM, ts=ts, text="t2")
    assert standin.messages(DM)[0]["blocks"] == [section("b")]


def test_chat_update_unknown_message(client: WebClient):
    error = api_error(client.chat_update, channel=DM, ts="1.000001", text="x")
    assert error.response["error"] == "message_not_found"


def test_post_ephemeral(standin: SlackStandIn, client: WebClient):
    answer = client.chat_postEphemeral(channel=DM, user=USER, text="only you")
    assert TS.match(answer["message_ts"])
    assert standin.messages(DM) == []  # ephemeral messages are not part of the conversation
    assert standin.calls_to("chat.postEphemeral")[0].params["text"] == "only you"
    error = api_error(client.chat_postEphemeral, channel=DM, user="", text="only you")
    assert error.response["error"] == "user_not_found"
    error = api_error(
        client.chat_postEphemeral, channel=DM, user=USER, text="x", blocks=[{"text": "?"}]
    )
    assert error.response["error"] == "invalid_blocks"


# -- views --------------------------------------------------------------------------------------


def test_views_open_echoes_the_view_with_slack_fields(standin: SlackStandIn, client: WebClient):
    sent = modal(callback_id="log_interview", private_metadata='{"id": 7}')
    view = client.views_open(trigger_id="123.456.abc", view=sent)["view"]
    assert re.fullmatch(r"V\w+", view["id"])
    assert view["root_view_id"] == view["id"]
    assert view["state"] == {"values": {}}
    assert (view["team_id"], view["type"], view["callback_id"]) == (
        "T0123ABCD",
        "modal",
        "log_interview",
    )
    assert view["blocks"] == sent["blocks"] and view["hash"]
    assert standin.view(view["id"]) == view
    call = standin.calls_to("views.open")[0]
    assert call.params["view"]["blocks"][0]["text"]["text"] == "When was it?"
    assert call.params["trigger_id"] == "123.456.abc"
    second = client.views_open(trigger_id="123.456.abd", view=sent)["view"]
    assert second["id"] != view["id"]


def test_views_open_needs_a_fresh_trigger(standin: SlackStandIn, client: WebClient):
    error = api_error(client.views_open, view=modal())
    assert error.response["error"] == "invalid_arguments"
    standin.expire_trigger("old.trigger")
    error = api_error(client.views_open, trigger_id="old.trigger", view=modal())
    assert error.response.data == fixture("api_error_expired_trigger_id.json")


def test_views_open_takes_only_modals(standin: SlackStandIn, client: WebClient):
    home = {"type": "home", "blocks": [section("Your interviews")]}
    error = api_error(client.views_open, trigger_id="t", view=home)
    assert error.response["error"] == "invalid_arguments"
    assert "'modal'" in error.response["response_metadata"]["messages"][0]
    assert standin.calls_to("views.open") == []


def test_views_publish_stores_the_home_tab(standin: SlackStandIn, client: WebClient):
    home = {"type": "home", "blocks": [section("Your interviews")]}
    first = client.views_publish(user_id=USER, view=home)["view"]
    assert standin.home_view(USER) == first
    assert (first["type"], first["blocks"]) == ("home", home["blocks"])
    emptied = {"type": "home", "blocks": [section("_No interviews yet._")]}
    again = client.views_publish(user_id=USER, view=emptied)["view"]
    assert again["id"] == first["id"]  # one Home tab per user, like Slack
    assert standin.home_view(USER)["blocks"] == emptied["blocks"]
    assert standin.home_view("U0NOBODY") is None
    assert standin.view("V-nope") is None
    error = api_error(client.views_publish, user_id="", view=home)
    assert error.response["error"] == "invalid_arguments"
    error = api_error(client.views_publish, user_id=USER, view=modal())
    assert error.response["error"] == "invalid_arguments"


TOO_MANY = [section(str(i)) for i in range(101)]


def assert_refused_as_invalid_blocks(
    standin: SlackStandIn, call_api, kwargs: dict, why: str
) -> None:
    error = api_error(call_api, **kwargs)
    assert error.response["error"] == "invalid_blocks"
    assert why in error.response["response_metadata"]["messages"][0]
    [call] = standin.calls
    assert call.failed and call.error == "invalid_blocks" and why in call.detail


@pytest.mark.parametrize(
    ("method", "kwargs", "why"),
    [
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": TOO_MANY[:51]},
            "51 blocks, more than the 50 allowed",
            id="message-blocks",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": "not a list"},
            "blocks must be a JSON array",
            id="blocks-not-a-list",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [section("a" * 3001)]},
            "block 0 (section): text attribute cannot exceed 3000 characters",
            id="section-text",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [{"type": "header", "text": plain("h" * 151)}]},
            "block 0 (header): text attribute cannot exceed 150 characters",
            id="header-text",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [{"text": "?"}]},
            "block 0 has no type",
            id="no-type",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [section("a"), {"type": "carousel_of_cats"}]},
            "block 1 (carousel_of_cats): is not a block type Slack knows",
            id="unknown-type",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(blocks=[{"type": "input", "element": {}}])},
            "block 0 (input): is malformed",
            id="malformed",
        ),
        pytest.param(
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [section("a") | {"block_id": "b"}] * 2},
            "block 1 repeats block_id 'b'",
            id="repeated-block_id",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(blocks=TOO_MANY)},
            "views must contain between 1 and 100 blocks",
            id="view-blocks",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(blocks=[])},
            "views must contain between 1 and 100 blocks",
            id="view-without-blocks",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(title="x" * 25)},
            "title must be between 1 and 24 characters",
            id="modal-title",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": {"type": "modal", "blocks": [section("a")]}},
            "modal has no title",
            id="modal-without-title",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(submit=plain("s" * 25))},
            "submit cannot exceed 24 characters",
            id="modal-submit",
        ),
        pytest.param(
            "views_open",
            {"trigger_id": "t", "view": modal(private_metadata="m" * 3001)},
            "private_metadata cannot exceed 3000 characters",
            id="private_metadata",
        ),
        pytest.param(
            "views_publish",
            {"user_id": USER, "view": {"type": "home", "blocks": TOO_MANY}},
            "views must contain between 1 and 100 blocks",
            id="home-blocks",
        ),
    ],
)
def test_block_kit_limits_answer_invalid_blocks(
    standin: SlackStandIn, client: WebClient, method: str, kwargs: dict, why: str
):
    assert_refused_as_invalid_blocks(standin, getattr(client, method), kwargs, why)


def test_limits_are_inclusive(client: WebClient):
    client.chat_postMessage(channel=DM, text="x", blocks=[section("a" * 3000)] * 50)
    blocks = [{"type": "header", "text": plain("h" * 150)}, *TOO_MANY[:99]]
    client.views_open(
        trigger_id="t",
        view=modal(
            title="x" * 24,
            blocks=blocks,
            submit=plain("s" * 24),
            close=plain("c" * 24),
            private_metadata="m" * 3000,
        ),
    )


def option(text: str = "Video call", value: str = "video", **extra: object) -> dict:
    return {"text": plain(text), "value": value, **extra}


def button(text: str = "Log an interview", **extra: object) -> dict:
    return {"type": "button", "text": plain(text), "action_id": "open", **extra}


def element(kind: str, **extra: object) -> dict:
    return {"type": kind, "action_id": "value", **extra}


def input_block(elem: dict, label: str = "Company", **extra: object) -> dict:
    return {"type": "input", "label": plain(label), "element": elem, **extra}


def in_modal(*blocks: dict) -> dict:
    return {"trigger_id": "t", "view": modal(blocks=list(blocks))}


def in_message(*blocks: dict) -> dict:
    return {"channel": DM, "text": "x", "blocks": list(blocks)}


def actions(*elements: dict) -> dict:
    return {"type": "actions", "elements": list(elements)}


def context(count: int) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "t"}] * count}


def select(options: list[dict], kind: str = "static_select", **extra: object) -> dict:
    return input_block(element(kind, options=options, **extra))


@pytest.mark.parametrize(
    ("method", "kwargs", "why"),
    [
        pytest.param(
            "views_open",
            in_modal(select([option(), option("o" * 76)])),
            "block 0 (input): static_select option 1: text attribute cannot exceed 75 characters",
            id="option-text",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(description=plain("d" * 76))], "checkboxes")),
            "block 0 (input): checkboxes option 0: description is 76 chars, over 75",
            id="option-description",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value="v" * 151)], "radio_buttons")),
            "block 0 (input): radio_buttons option 0: value attribute cannot exceed 150 characters",
            id="option-value",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(actions(button("b" * 76))),
            "block 0 (actions): text attribute cannot exceed 75 characters",
            id="button-text",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s") | {"accessory": button(value="v" * 2001)}),
            "block 0 (section): value attribute cannot exceed 2000 characters",
            id="button-value",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input", action_id="a" * 256))),
            "block 0 (input): action_id attribute cannot exceed 255 characters",
            id="action_id",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s") | {"block_id": "b" * 256}),
            "block 0 (section): block_id cannot exceed 255 characters",
            id="block_id",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option()], placeholder=plain("p" * 151))),
            "block 0 (input): placeholder attribute cannot exceed 150 characters",
            id="placeholder",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input"), label="l" * 2001)),
            "block 0 (input): label attribute cannot exceed 2000 characters",
            id="input-label",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input"), hint=plain("h" * 2001))),
            "block 0 (input): hint attribute cannot exceed 2000 characters",
            id="input-hint",
        ),
        pytest.param(
            "views_open",
            in_modal(
                input_block(element("plain_text_input", max_length=10, initial_value="x" * 11))
            ),
            "block 0 (input): plain_text_input initial_value is 11 chars, over its max_length 10",
            id="initial_value-over-max_length",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s"), context(11)),
            "block 1 (context): elements attribute cannot exceed 10 elements",
            id="context-elements",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(actions(*[button(action_id=f"b{i}") for i in range(26)])),
            "block 0 (actions): elements attribute cannot exceed 25 elements",
            id="actions-elements",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value=str(i)) for i in range(101)])),
            "block 0 (input): options attribute cannot exceed 100 elements",
            id="static_select-options",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value=str(i)) for i in range(11)], "checkboxes")),
            "block 0 (input): checkboxes has 11 options, more than the 10 allowed",
            id="checkboxes-options",
        ),
    ],
)
def test_element_limits_answer_invalid_blocks(
    standin: SlackStandIn, client: WebClient, method: str, kwargs: dict, why: str
):
    assert_refused_as_invalid_blocks(standin, getattr(client, method), kwargs, why)


def test_maximal_legal_view_and_message_pass(client: WebClient):
    def options(count: int) -> list[dict]:
        # Distinct values, each at its limit: a 3-digit prefix then padding.
        return [
            option("t" * 75, f"{i:03d}" + "v" * 147, description=plain("d" * 75))
            for i in range(count)
        ]

    long_id = "i" * 252
    blocks = [
        input_block(
            element(
                "plain_text_input",
                action_id="a" * 255,
                placeholder=plain("p" * 150),
                max_length=3000,
                initial_value="x" * 3000,
            ),
            label="l" * 2000,
            hint=plain("h" * 2000),
            block_id="b" * 255,
        ),
        select(options(100), placeholder=plain("p" * 150)),
        select(options(10), "checkboxes"),
        select(options(10), "radio_buttons"),
        actions(
            *[button("b" * 75, value="v" * 2000, action_id=f"{i:03d}{long_id}") for i in range(25)]
        ),
        context(10),
    ]
    view = client.views_open(trigger_id="t", view=modal(blocks=blocks))["view"]
    assert view["blocks"] == blocks
    client.chat_postMessage(channel=DM, text="x", blocks=blocks[-2:])


# -- injected failures --------------------------------------------------------------------------


def test_ratelimited_is_a_429_with_retry_after(standin: SlackStandIn, client: WebClient):
    standin.fail_next("chat.postMessage")
    error = api_error(client.chat_postMessage, channel=DM, text="hi")
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "3"
    assert error.response.data == {"ok": False, "error": "ratelimited"}
    assert client.chat_postMessage(channel=DM, text="hi")["ok"]  # only the next call fails
    failed, ok = standin.calls_to("chat.postMessage", include_failed=True)
    assert (failed.failed, failed.error, ok.failed) == (True, "ratelimited", False)
    assert standin.calls_to("chat.postMessage") == [ok]


def test_fail_next_times_and_retry_after(standin: SlackStandIn, client: WebClient):
    standin.fail_next("auth.test", retry_after=30, times=2)
    for _ in range(2):
        assert api_error(client.auth_test).response.headers["Retry-After"] == "30"
    assert client.auth_test()["ok"]


def test_server_errors(standin: SlackStandIn, client: WebClient):
    standin.fail_next("chat.postMessage", "fatal_error", status=500)
    standin.fail_next("chat.postMessage", "service_unavailable", status=503)
    error = api_error(client.chat_postMessage, channel=DM, text="hi")
    assert (error.response.status_code, error.response["error"]) == (500, "fatal_error")
    error = api_error(client.chat_postMessage, channel=DM, text="hi")
    assert error.response.status_code == 503
    assert "non-JSON" in error.response["error"]  # the edge answers gateway errors in HTML
    assert [c.error for c in standin.calls] == ["fatal_error", "service_unavailable"]


def test_account_inactive(standin: SlackStandIn, client: WebClient):
    standin.fail_next("users.info", "account_inactive")
    error = api_error(client.users_info, user=USER)
    assert error.response.status_code == 200
    assert error.response.data == fixture("api_error_account_inactive.json")


def test_reset_forgets_calls_and_failures_but_keeps_users(standin: SlackStandIn, client: WebClient):
    client.chat_postMessage(channel=DM, text="hi")
    standin.fail_next("users.info")
    standin.reset()
    assert standin.calls == []
    assert standin.messages(DM) == []
    assert client.users_info(user=USER)["user"]["name"] == "dana"


# -- holds --------------------------------------------------------------------------------------


def test_hold_keeps_calls_unanswered_until_release(standin: SlackStandIn, client: WebClient):
    standin.hold("chat.postMessage")
    answers: list[str] = []
    worker = threading.Thread(
        target=lambda: answers.append(client.chat_postMessage(channel=DM, text="held")["ts"])
    )
    worker.start()
    standin.wait_until_held("chat.postMessage")
    assert client.auth_test()["ok"]  # other methods are answered meanwhile
    assert (answers, standin.calls_to("chat.postMessage")) == ([], [])
    standin.release("chat.postMessage")
    worker.join(timeout=5)
    assert answers == [standin.messages(DM)[0]["ts"]]
    assert client.chat_postMessage(channel=DM, text="free")["ok"]  # released for good


def test_wait_until_held_names_what_it_waited_for(standin: SlackStandIn):
    standin.hold("views.open")
    with pytest.raises(AssertionError, match=r"1 held views\.open call\(s\), got 0"):
        standin.wait_until_held("views.open", timeout=0.01)


def test_stopping_answers_held_calls():
    standin = SlackStandIn().start()
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    standin.hold("auth.test")
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(client.auth_test()["ok"]))
    worker.start()
    standin.wait_until_held("auth.test")
    standin.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert outcome == [True]


# -- wait_for -----------------------------------------------------------------------------------


def test_wait_for_blocks_until_calls_arrive(standin: SlackStandIn, client: WebClient):
    def post_in_background() -> None:
        client.chat_postMessage(channel=DM, text="one")
        client.chat_postMessage(channel=DM, text="two")

    worker = threading.Thread(target=post_in_background)
    worker.start()
    calls = standin.wait_for("chat.postMessage", count=2)
    worker.join()
    assert [c.params["text"] for c in calls] == ["one", "two"]


def test_wait_for_ignores_failures_and_names_what_it_saw(standin: SlackStandIn, client: WebClient):
    standin.fail_next("chat.postMessage", "account_inactive")
    api_error(client.chat_postMessage, channel=DM, text="hi")
    client.auth_test()
    with pytest.raises(AssertionError, match=r"chat\.postMessage \(account_inactive\).*auth\.test"):
        standin.wait_for("chat.postMessage", timeout=0.01)


# -- response URLs ------------------------------------------------------------------------------


def test_response_url_records_posts(standin: SlackStandIn):
    answer = WebhookClient(standin.response_url("cmd-1")).send(
        text="Saved", replace_original=True, blocks=[section("Saved")]
    )
    assert (answer.status_code, answer.body) == (200, "ok")
    [call] = standin.wait_for(RESPONSE_URL)
    assert call.params == {
        "text": "Saved",
        "replace_original": True,
        "blocks": [section("Saved")],
        "_name": "cmd-1",
    }
    assert call.token is None


def test_bolt_respond_reaches_the_response_url(standin: SlackStandIn):
    respond = Respond(response_url=standin.response_url())
    assert respond(text="Got it", response_type="ephemeral").status_code == 200
    assert standin.calls_to(RESPONSE_URL)[0].params["response_type"] == "ephemeral"
    assert standin.calls_to(RESPONSE_URL)[0].params["_name"] == "default"


def test_response_url_failures(standin: SlackStandIn):
    standin.fail_next(RESPONSE_URL)
    standin.fail_next(RESPONSE_URL, "expired_url", status=404)
    webhook = WebhookClient(standin.response_url())
    limited = webhook.send(text="x")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    assert (webhook.send(text="x").status_code, webhook.send(text="x").status_code) == (404, 200)
    assert [c.error for c in standin.calls] == ["ratelimited", "expired_url", None]


def test_a_failure_after_effect_posts_the_message_and_loses_only_the_answer(
    standin: SlackStandIn, client: WebClient
):
    standin.fail_next("chat.postMessage", "service_unavailable", status=503, after_effect=True)

    error = api_error(client.chat_postMessage, channel=DM, text="did it go?")

    assert error.response.status_code == 503
    assert [m["text"] for m in standin.messages(DM)] == ["did it go?"]
    assert [c.failed for c in standin.calls_to("chat.postMessage", include_failed=True)] == [True]


def test_an_outage_fails_every_call_until_healed(standin: SlackStandIn, client: WebClient):
    standin.fail_all("chat.postMessage")

    for _ in range(3):
        assert api_error(client.chat_postMessage, channel=DM, text="x").response.status_code == 503
    standin.heal("chat.postMessage")

    assert client.chat_postMessage(channel=DM, text="back")["ok"]
    assert [m["text"] for m in standin.messages(DM)] == ["back"]


def test_a_slow_method_answers_late_and_only_that_method(standin: SlackStandIn):
    fast = WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=5)
    standin.slow("chat.postMessage", 0.3)
    slow_client = WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=0.1)

    with pytest.raises(TimeoutError):
        slow_client.chat_postMessage(channel=DM, text="late")
    assert fast.auth_test()["ok"]  # other methods are not held up
    standin.slow("chat.postMessage", 0)
    assert slow_client.chat_postMessage(channel=DM, text="on time")["ok"]
