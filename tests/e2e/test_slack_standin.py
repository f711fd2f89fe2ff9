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
from coach_devkit.slack_standin import RecordedCall, SlackStandIn
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
        call.headers,
        failed=False,
        error=None,
        at=call.at,
        response=answer.data,
    )


def test_auth_test_over_get_with_token_param(standin: SlackStandIn):
    url = f"{standin.api_url}auth.test?token={standin.bot_token}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert json.loads(response.read())["ok"] is True
    assert standin.calls[0].token == standin.bot_token
    assert "token" not in standin.calls[0].params


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


def test_users_info_other_zone_and_deleted_user(standin: SlackStandIn, client: WebClient):
    standin.add_user("U0KOLKATA", tz="Asia/Kolkata", deleted=True)
    user = client.users_info(user="U0KOLKATA")["user"]
    assert (user["tz_offset"], user["tz_label"], user["deleted"]) == (
        19800,
        "India Standard Time",
        True,
    )
    assert user["name"] == "u0kolkata"


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


def test_post_message_form_encoded_blocks_are_decoded(standin: SlackStandIn, client: WebClient):
    blocks = [section("hello")]
    client.api_call(
        "chat.postMessage", params={"channel": DM, "text": "hi", "blocks": json.dumps(blocks)}
    )
    assert standin.calls_to("chat.postMessage")[0].params["blocks"] == blocks
    assert standin.messages(DM)[0]["blocks"] == blocks


def test_thread_reply_is_kept(standin: SlackStandIn, client: WebClient):
    parent = client.chat_postMessage(channel=DM, text="parent")["ts"]
    reply = client.chat_postMessage(channel=DM, text="reply", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    assert [m.get("thread_ts") for m in standin.messages(DM)] == [None, parent]


def test_post_message_needs_channel_and_content(standin: SlackStandIn, client: WebClient):
    assert api_error(client.chat_postMessage, channel="", text="x").response["error"] == (
        "channel_not_found"
    )
    with pytest.warns(UserWarning):
        assert api_error(client.chat_postMessage, channel=DM).response["error"] == "no_text"
    assert [c.error for c in standin.calls] == ["channel_not_found", "no_text"]


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


def test_post_ephemeral_and_delete(standin: SlackStandIn, client: WebClient):
    answer = client.chat_postEphemeral(channel=DM, user=USER, text="only you")
    assert TS.match(answer["message_ts"])
    assert standin.messages(DM) == []  # ephemeral messages are not part of the conversation
    ts = client.chat_postMessage(channel=DM, text="oops")["ts"]
    assert client.chat_delete(channel=DM, ts=ts)["ok"]
    assert standin.messages(DM) == []


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


def test_views_update_by_id_and_external_id(standin: SlackStandIn, client: WebClient):
    opened = client.views_open(trigger_id="t1", view=modal(external_id="ext-1"))["view"]
    by_external = client.views_update(external_id="ext-1", view=modal("Again"))["view"]
    assert (by_external["id"], by_external["root_view_id"]) == (opened["id"], opened["id"])

    updated = client.views_update(
        view_id=opened["id"], view=modal("Saved"), hash=by_external["hash"]
    )
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != by_external["hash"]
    assert standin.view(opened["id"])["title"]["text"] == "Saved"

    missing = api_error(client.views_update, view_id="V404", view=modal())
    assert missing.response["error"] == "not_found"
    stale = api_error(client.views_update, view_id=opened["id"], view=modal(), hash="stale")
    assert stale.response["error"] == "hash_conflict"


def test_views_publish_stores_the_home_tab(standin: SlackStandIn, client: WebClient):
    home = {"type": "home", "blocks": [section("Your interviews")]}
    first = client.views_publish(user_id=USER, view=home)["view"]
    assert standin.home_view(USER) == first
    again = client.views_publish(user_id=USER, view={"type": "home", "blocks": []})["view"]
    assert again["id"] == first["id"]  # one Home tab per user, like Slack
    assert standin.home_view(USER)["blocks"] == []
    assert standin.home_view("U0NOBODY") is None
    assert standin.view("V-nope") is None


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
        ("chat_postMessage", {"channel": DM, "text": "x", "blocks": TOO_MANY[:51]}, "51 blocks"),
        ("chat_postMessage", {"channel": DM, "text": "x", "blocks": [section("a" * 3001)]}, "3001"),
        (
            "chat_postMessage",
            {
                "channel": DM,
                "text": "x",
                "blocks": [{"type": "header", "text": {"text": "h" * 151}}],
            },
            "151",
        ),
        ("chat_postMessage", {"channel": DM, "text": "x", "blocks": [{"text": "?"}]}, "no type"),
        (
            "chat_postMessage",
            {"channel": DM, "text": "x", "blocks": [section("a") | {"block_id": "b"}] * 2},
            "block_id",
        ),
        ("views_open", {"trigger_id": "t", "view": modal(blocks=TOO_MANY)}, "101 blocks"),
        ("views_open", {"trigger_id": "t", "view": modal(title="x" * 25)}, "title is 25"),
        (
            "views_open",
            {"trigger_id": "t", "view": modal(private_metadata="m" * 3001)},
            "private_metadata",
        ),
        ("views_publish", {"user_id": USER, "view": {"type": "home", "blocks": TOO_MANY}}, "101"),
    ],
)
def test_block_kit_limits_answer_invalid_blocks(
    standin: SlackStandIn, client: WebClient, method: str, kwargs: dict, why: str
):
    assert_refused_as_invalid_blocks(standin, getattr(client, method), kwargs, why)


def test_limits_are_inclusive(client: WebClient):
    client.chat_postMessage(channel=DM, text="x", blocks=[section("a" * 3000)] * 50)
    client.views_open(trigger_id="t", view=modal(title="x" * 24, blocks=TOO_MANY[:100]))


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


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
            "block 0 (input) static_select option 1 text is 76 chars, over 75",
            id="option-text",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(description=plain("d" * 76))], "checkboxes")),
            "checkboxes option 0 description is 76 chars, over 75",
            id="option-description",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value="v" * 151)], "radio_buttons")),
            "radio_buttons option 0 value is 151 chars, over 150",
            id="option-value",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(actions(button("b" * 76))),
            "block 0 (actions) button text is 76 chars, over 75",
            id="button-text",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s") | {"accessory": button(value="v" * 2001)}),
            "block 0 (section) button value is 2001 chars, over 2000",
            id="button-value",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input", action_id="a" * 256))),
            "plain_text_input action_id is 256 chars, over 255",
            id="action_id",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s") | {"block_id": "b" * 256}),
            "block 0 (section) block_id is 256 chars, over 255",
            id="block_id",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option()], placeholder=plain("p" * 151))),
            "static_select placeholder is 151 chars, over 150",
            id="placeholder",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input"), label="l" * 2001)),
            "block 0 (input) label is 2001 chars, over 2000",
            id="input-label",
        ),
        pytest.param(
            "views_open",
            in_modal(input_block(element("plain_text_input"), hint=plain("h" * 2001))),
            "block 0 (input) hint is 2001 chars, over 2000",
            id="input-hint",
        ),
        pytest.param(
            "views_open",
            in_modal(
                input_block(element("plain_text_input", max_length=10, initial_value="x" * 11))
            ),
            "plain_text_input initial_value is 11 chars, over its max_length 10",
            id="initial_value-over-max_length",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(section("s"), context(11)),
            "block 1 (context) has 11 elements, more than the 10 allowed",
            id="context-elements",
        ),
        pytest.param(
            "chat_postMessage",
            in_message(actions(*[button(action_id=f"b{i}") for i in range(26)])),
            "block 0 (actions) has 26 elements, more than the 25 allowed",
            id="actions-elements",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value=str(i)) for i in range(101)])),
            "static_select has 101 options, more than the 100 allowed",
            id="static_select-options",
        ),
        pytest.param(
            "views_open",
            in_modal(select([option(value=str(i)) for i in range(11)], "checkboxes")),
            "checkboxes has 11 options, more than the 10 allowed",
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
    [call] = standin.wait_for("response_url")
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
    assert standin.calls_to("response_url")[0].params["response_type"] == "ephemeral"
    assert standin.calls_to("response_url")[0].params["_name"] == "default"


def test_response_url_failures(standin: SlackStandIn):
    standin.fail_next("response_url")
    standin.fail_next("response_url", "expired_url", status=404)
    webhook = WebhookClient(standin.response_url())
    limited = webhook.send(text="x")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    assert (webhook.send(text="x").status_code, webhook.send(text="x").status_code) == (404, 200)
    assert [c.error for c in standin.calls] == ["ratelimited", "expired_url", None]
