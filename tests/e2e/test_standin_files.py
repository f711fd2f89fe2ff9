"""The stand-in's file uploads (files_upload_v2's three steps), chat.delete and paged history,
driven through slack_sdk's own WebClient as the bot drives them."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.calls import UPLOAD
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

DM = "D0456EFGH"


@pytest.fixture
def standin():
    with SlackStandIn() as s:
        yield s


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url)


def test_files_upload_v2_uploads_and_shares_in_the_channel(
    standin: SlackStandIn, client: WebClient
) -> None:
    answer = client.files_upload_v2(
        channel=DM,
        initial_comment="Your export",
        file_uploads=[
            {"content": '{"a": 1}', "filename": "a.json", "title": "A"},
            {"content": "x,y\r\n", "filename": "b.csv"},
        ],
    )

    assert [f["name"] for f in answer["files"]] == ["a.json", "b.csv"]
    files = {f.filename: f for f in standin.files()}
    assert files["a.json"].data == b'{"a": 1}' and files["a.json"].title == "A"
    assert files["b.csv"].data == b"x,y\r\n" and files["b.csv"].channel == DM
    assert len(standin.calls_to(UPLOAD)) == 2
    [shared] = standin.messages(DM)
    assert shared["text"] == "Your export"
    assert shared["user"] == standin.bot_user_id
    assert [f["id"] for f in shared["files"]] == [f.id for f in standin.files()]


def test_completing_a_file_never_uploaded_is_refused(client: WebClient) -> None:
    started = client.files_getUploadURLExternal(filename="a.json", length=3)

    with pytest.raises(SlackApiError) as refused:
        client.files_completeUploadExternal(files=[{"id": started["file_id"]}], channel_id=DM)

    assert refused.value.response["error"] == "file_not_found"


def test_an_upload_to_a_url_never_handed_out_is_not_found(standin: SlackStandIn) -> None:
    request = urllib.request.Request(standin.base_url + "/upload/F0NOPE", data=b"x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 404


def test_chat_delete_removes_the_message_once(standin: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=DM, text="one")["ts"]

    client.chat_delete(channel=DM, ts=ts)

    assert standin.messages(DM) == []
    with pytest.raises(SlackApiError) as gone:
        client.chat_delete(channel=DM, ts=ts)
    assert gone.value.response["error"] == "message_not_found"


def test_history_pages_with_a_cursor(client: WebClient) -> None:
    posted = [client.chat_postMessage(channel=DM, text=str(n))["ts"] for n in range(5)]

    seen, cursor = [], None
    while True:
        page = client.conversations_history(channel=DM, limit=2, cursor=cursor)
        seen += [m["ts"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not page["has_more"]:
            break

    assert seen == list(reversed(posted))
    assert cursor == ""


def test_history_keeps_replies_in_their_thread_and_replies_reads_them(client: WebClient) -> None:
    parent = client.chat_postMessage(channel=DM, text="prompt")["ts"]
    reply = client.chat_postMessage(channel=DM, text="noted", thread_ts=parent)["ts"]
    orphan = client.chat_postMessage(channel=DM, text="pointer", thread_ts="1.000001")["ts"]

    history = client.conversations_history(channel=DM)["messages"]
    thread = client.conversations_replies(channel=DM, ts=parent)["messages"]

    assert [(m["ts"], m.get("reply_count")) for m in history] == [(orphan, None), (parent, 1)]
    assert [m["ts"] for m in thread] == [parent, reply]


def test_files_delete_deletes_a_file_once(standin: SlackStandIn, client: WebClient) -> None:
    file_id = client.files_upload_v2(content="x", filename="a.txt")["file"]["id"]

    client.files_delete(file=file_id)

    assert standin.files() == []
    with pytest.raises(SlackApiError) as gone:
        client.files_delete(file=file_id)
    assert gone.value.response["error"] == "file_not_found"
