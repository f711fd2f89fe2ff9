"""`interview-bot demo`: the scripted flow, its failure reports, the transcript renderer."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url

from bot.coach.interviews import InterviewSummary
from bot.demo import run_demo
from bot.demo.run import TITLE, play
from bot.demo.script import STEPS
from bot.demo.stage import stage
from bot.demo.summary import Summary
from bot.demo.transcript import (
    INDENT,
    WIDTH,
    format_entry,
    input_label,
    render_block,
    render_home,
    render_inputs,
    render_message,
    render_modal,
    render_mrkdwn,
    stamp,
)
from bot.domain import InterviewFormat, InterviewStatus
from bot.slack_standin.slack_requests import SignedSlackSender, fill_view_state
from bot.ui.home import home_view
from bot.ui.log_modal import BLOCK_IDS, build_log_modal
from bot.ui.messages import logged_confirmation

REPO = Path(__file__).resolve().parents[1]
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles

# The moments the issue names, in the order Dana should see them.
KEY_MOMENTS = [
    TITLE,
    "you › /interview help",
    "• `/interview logged [company]`: log an interview you just had",
    "you › /interview logged Acme Corp",
    'Interview Coach opens a form "Log an interview":',
    "Company: Acme Corp",
    "you fill in the form:",
    "When did they say you'd hear back? (optional): ",
    "you › press [Save]",
    'Slack shows under the field "When did they say you\'d hear back?":',
    "The date they gave can't be before the interview.",
    "you change the form:",
    'Slack closes the form "Log an interview"',
    "Interview Coach sends you a direct message:",
    "Logged: Acme Corp",
    "*Format:* Face-to-face, traditional organization",
    "*Interviewer(s):* Priya Shah, Tom Lee",
    "you open the Interview Coach app's Home tab",
    "Interview Coach shows your Home tab:",
    "Acme Corp (Data Analyst)\n",
    "you › /interview list",
    "• Acme Corp (Data Analyst): face-to-face,",
    "interviews stored:  1",
    "messages sent:      1",
    "requests rejected:  0",
    "exit code 0",
]


def _assert_in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing (after position {position}) in:\n{text}"
        position = found + len(needle)


@pytest.fixture
def no_speedup_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOCK_SPEEDUP", raising=False)


# -- the whole demo --------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_speedup_from_env")
def test_demo_plays_the_flow_and_prints_what_dana_sees(capsys: pytest.CaptureFixture) -> None:
    assert run_demo() == 0

    out, err = capsys.readouterr()
    _assert_in_order(out, KEY_MOMENTS)
    assert out.rstrip().endswith("exit code 0")
    # Slack's markup is rendered, never shown raw.
    assert "<!date^" not in out
    assert "&lt;" not in out and "&amp;" not in out
    # The date is Dana's, in her zone, a week after the interview.
    assert "*They said you'd hear back by:* " in out
    assert all(len(line) <= WIDTH for line in out.splitlines() if line.startswith(INDENT))
    assert "FAILED" not in err


@pytest.mark.usefixtures("no_speedup_from_env")
def test_demo_with_a_fast_clock_still_plays_every_step(capsys: pytest.CaptureFixture) -> None:
    assert run_demo(speedup=3600) == 0
    out, _ = capsys.readouterr()
    _assert_in_order(out, KEY_MOMENTS)


def _demo_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_interview_bot_demo_command_exits_0_and_prints_the_transcript() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CLOCK_SPEEDUP"}
    result = _demo_process(env)

    assert result.returncode == 0, result.stderr
    _assert_in_order(result.stdout, KEY_MOMENTS)
    # Logs stay quiet: nothing at INFO, no tracebacks interleaved with the transcript.
    assert "Traceback" not in result.stderr
    assert "INFO" not in result.stderr


def test_bad_clock_speedup_is_a_configuration_problem() -> None:
    result = _demo_process({**os.environ, "CLOCK_SPEEDUP": "fast"})
    assert result.returncode == 2
    assert "CLOCK_SPEEDUP is not valid" in result.stderr


# -- when a step does not happen -------------------------------------------------------------------


def test_a_dm_slack_refuses_fails_the_demo_saying_which_step(
    capsys: pytest.CaptureFixture,
) -> None:
    out = io.StringIO()
    with stage() as on_stage:
        on_stage.standin.fail_next("chat.postMessage", "account_inactive")
        code = play(on_stage, STEPS, out, wait_seconds=0.5)

    assert code == 1
    transcript = out.getvalue()
    assert "Slack refuses the bot's chat.postMessage call: account_inactive" in transcript
    assert transcript.rstrip().endswith("exit code 1")
    err = capsys.readouterr().err
    assert "FAILED while Dana corrects the date and saves: no confirmation DM arrived" in err


def test_requests_signed_with_the_wrong_secret_are_rejected_and_fail_the_demo(
    capsys: pytest.CaptureFixture,
) -> None:
    out = io.StringIO()
    with stage() as on_stage:
        forger = SignedSlackSender(on_stage.slack.events_url, "not-the-signing-secret")
        code = play(dataclasses.replace(on_stage, slack=forger), STEPS, out, wait_seconds=0.5)

    assert code == 1
    assert "rejected /interview help with HTTP 401" in capsys.readouterr().err


def test_the_stage_is_taken_down_even_when_the_demo_breaks() -> None:
    with pytest.raises(RuntimeError), stage() as on_stage:
        database = Path(make_url(on_stage.bot.settings.database_url).database or "")
        bot_url, slack_url = on_stage.server.url, on_stage.standin.base_url
        assert database.exists()
        raise RuntimeError("a step blew up")

    assert not database.parent.exists()
    for url in (bot_url + "/healthz", slack_url + "/api/auth.test"):
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2)


# -- the summary -----------------------------------------------------------------------------------


def test_summary_counts_calls_by_method_and_names_problems() -> None:
    clean = Summary(1, Counter({"chat.postMessage": 2, "auth.test": 1}), Counter(), 0)
    assert clean.problems() == []
    lines = "\n".join(clean.lines())
    assert "messages sent:      2" in lines
    assert "Slack API calls:    3 (auth.test ×1, chat.postMessage ×2)" in lines
    assert "requests rejected:  0" in lines

    broken = Summary(0, Counter(), Counter({"chat.postMessage: ratelimited": 1}), 2)
    assert broken.problems() == [
        "no interview was stored",
        "the bot rejected 2 request(s)",
        "Slack refused 1 call(s): chat.postMessage: ratelimited ×1",
    ]
    assert "requests rejected:  3 (by the bot 2, by Slack 1)" in "\n".join(broken.lines())


# -- the transcript renderer -----------------------------------------------------------------------


def _summary(**changes: object) -> InterviewSummary:
    base = InterviewSummary(
        id=1,
        company="Acme Corp",
        role="Data Analyst",
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        happened_at=NOW,
        interviewers="Priya Shah, Tom Lee",
        hiring_manager="Priya Shah",
        employer_timeline=date(2026, 12, 3),
        direct_contact_ok=False,
        status=InterviewStatus.ACTIVE,
        owner_tz="America/Los_Angeles",
    )
    return dataclasses.replace(base, **changes)


def test_date_tokens_show_their_fallback() -> None:
    text = "*When:* <!date^1795629600^{date_short_pretty} at {time}|Thu 26 Nov 2026 at 10:00 PST>"
    assert render_mrkdwn(text) == ["*When:* Thu 26 Nov 2026 at 10:00 PST"]


def test_escapes_are_undone_once_and_escaped_markup_stays_text() -> None:
    assert render_mrkdwn("&lt;!channel&gt; &amp; co") == ["<!channel> & co"]
    # Someone who typed "&lt;" literally sees "&lt;" again, not "<".
    assert render_mrkdwn("&amp;lt;") == ["&lt;"]


def test_links_and_mentions_show_what_slack_displays() -> None:
    text = "<https://acme.example|Acme careers> <https://x.example> <@U0456EFGH> <@U1|dana> <!here>"
    assert render_mrkdwn(text) == ["Acme careers https://x.example @U0456EFGH @dana @here"]


def test_mrkdwn_newlines_become_lines() -> None:
    assert render_mrkdwn("one\ntwo") == ["one", "two"]


def test_buttons_show_as_bracketed_labels() -> None:
    actions = {
        "type": "actions",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Sent it"}},
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Not yet"},
                "style": "danger",
            },
        ],
    }
    assert render_block(actions, LA) == ["[Sent it]  [Not yet]"]
    section = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Thank-you note sent?"},
        "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Yes"}},
    }
    assert render_block(section, LA) == ["Thank-you note sent?", "[Yes]"]


def test_header_divider_and_context_blocks() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Logged: Acme"}},
        {"type": "divider"},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "_small print_"},
                {"type": "image", "image_url": "https://x", "alt_text": "logo"},
            ],
        },
    ]
    lines = render_message({"text": "fallback", "blocks": blocks}, LA)
    assert lines[:2] == ["Logged: Acme", "════════════"]
    assert lines[2].startswith("───")
    assert lines[3] == "_small print_  [image: logo]"


def test_a_message_without_blocks_shows_its_text() -> None:
    assert render_message({"text": "Hi &amp; welcome"}, LA) == ["Hi & welcome"]


def test_input_blocks_show_label_and_value() -> None:
    block = {
        "type": "input",
        "block_id": "company_block",
        "label": {"type": "plain_text", "text": "Company"},
        "element": {"type": "plain_text_input", "action_id": "value", "initial_value": "Acme"},
    }
    assert render_block(block, LA) == ["Company: Acme"]
    typed = {"value": {"type": "plain_text_input", "value": "Globex"}}
    assert render_block(block, LA, typed) == ["Company: Globex"]
    empty = {**block, "optional": True, "element": {"type": "plain_text_input"}}
    assert render_block(empty, LA) == ["Company (optional): (empty)"]


def test_the_log_modal_renders_prefilled_in_the_persons_zone() -> None:
    view = build_log_modal(now=NOW, company="Acme Corp")
    lines = render_modal(view, LA)

    assert "Company: Acme Corp" in lines
    assert "When was it?: Thu 26 Nov 2026 10:00" in lines
    assert "Format: (Phone, video or in person?)" in lines
    assert "  ☐ A more traditional organization" in lines
    assert "When did they say you'd hear back? (optional): (empty)" in lines
    assert "  (Leave empty if they gave no timeline.)" in lines
    assert lines[-1] == "[Cancel]  [Save]"


def test_a_filled_in_form_shows_the_answers_and_can_show_only_some() -> None:
    view = build_log_modal(now=NOW, company="Acme Corp")
    answers = {
        BLOCK_IDS["company"]: "Acme Corp",
        BLOCK_IDS["happened_at"]: int(NOW.timestamp()),
        BLOCK_IDS["format"]: "video",
        BLOCK_IDS["flags"]: ["direct_contact_ok"],
        BLOCK_IDS["employer_timeline"]: "2026-12-03",
    }
    values = fill_view_state(view, answers)

    lines = render_inputs(view, LA, values)
    assert "Format: Video call" in lines
    assert "Role (optional): (empty)" in lines
    assert "  ☑ They said I may follow up with the hiring manager directly" in lines
    assert "When did they say you'd hear back? (optional): Thu 3 Dec 2026" in lines

    only = render_inputs(view, LA, values, only={BLOCK_IDS["format"]})
    assert only == ["Format: Video call"]


def test_field_errors_are_named_by_their_label() -> None:
    view = build_log_modal(now=NOW)
    label = input_label(view, BLOCK_IDS["employer_timeline"])
    assert label == "When did they say you'd hear back?"
    assert input_label(view, "no_such_block") == "no_such_block"


def test_the_confirmation_dm_renders_readably() -> None:
    text, blocks = logged_confirmation(_summary(company="A<B> & Co"))
    lines = render_message({"text": text, "blocks": blocks}, LA)

    assert lines[0] == "Logged: A<B> & Co"
    assert "*When:* Thu 26 Nov 2026 at 10:00 PST" in lines
    assert "*They said you'd hear back by:* Thu 3 Dec 2026" in lines
    assert not any("<!date" in line or "&lt;" in line for line in lines)


def test_the_home_tab_renders_its_button_and_interviews() -> None:
    assert "_No interviews in progress yet._" in render_home(home_view([]), LA)
    lines = render_home(home_view([_summary()]), LA)
    assert "[Log an interview]" in lines
    assert "Acme Corp (Data Analyst)" in lines


def test_unknown_blocks_are_named_not_dropped() -> None:
    assert render_block({"type": "video"}, LA) == ["[video block]"]


def test_stamps_are_local_and_entries_indent_their_body() -> None:
    assert stamp(NOW, LA) == "Thu 26 Nov 10:00"
    # A single-digit day is padded so every entry's speaker starts in the same column.
    assert stamp(datetime(2026, 12, 3, 18, 0, tzinfo=UTC), LA) == "Thu 3 Dec 10:00 "

    lines = format_entry(stamp(NOW, LA), "Interview Coach", "says:", ["hello", "", "x " * 60])
    assert lines[0] == "Thu 26 Nov 10:00  Interview Coach says:"
    assert lines[1] == INDENT + "hello"
    assert lines[2] == ""  # no trailing spaces on blank lines
    assert len(lines) == 5  # the long line folds
    assert all(len(line) <= WIDTH for line in lines)
    assert lines[4].startswith(INDENT + "  x")
