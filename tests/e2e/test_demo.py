"""`interview-bot demo`: the scripted flow, its failure reports, the transcript renderer."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from coach_devkit.demo import run_demo
from coach_devkit.demo.recorder import Recorder
from coach_devkit.demo.run import TITLE, play
from coach_devkit.demo.scene import Scene
from coach_devkit.demo.script import DISTANCE_MARK, REFLECTION_MARK, STEPS, THANK_YOU_MARK
from coach_devkit.demo.stage import DEMO_SPEEDUP, stage, story_start
from coach_devkit.demo.summary import Summary
from coach_devkit.demo.time_source import SkippingTime
from coach_devkit.demo.transcript import (
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
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, fill_view_state
from sqlalchemy.engine import make_url

from bot.clock import ScaledClock
from bot.rules.applications import ApplicationProgress
from bot.rules.domain import InterviewFormat, InterviewStatus
from bot.rules.view_models import InterviewSummary
from bot.ui.home import home_view
from bot.ui.log_modal import BLOCK_IDS, build_log_modal
from bot.ui.messages import logged_confirmation

REPO = Path(__file__).resolve().parents[2]
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
# Every demo here starts on this Tuesday, so the dates it shows are the same on any day.
START = date(2026, 12, 1)

# The moments the issue names, in the order Dana should see them.
KEY_MOMENTS = [
    TITLE,
    "you › /interview help",
    "• `/interview logged [company]`: log an interview you just had",
    # Acme Corp, round 1: a phone screen, logged with a slip corrected.
    "you › /interview logged Acme Corp",
    'Interview Coach opens a form "Log an interview":',
    "Company: Acme Corp",
    "you fill in the form:",
    "Format: Phone screen",
    "When did they say you'd hear back? (optional): ",
    "you › press [Save]",
    'Slack shows under the field "When did they say you\'d hear back?":',
    "The date they gave can't be before the interview.",
    "you change the form:",
    'Slack closes the form "Log an interview"',
    "Interview Coach sends you a direct message:",
    "Logged: Acme Corp",
    "*Format:* Phone screen",
    "*Interviewer(s):* Priya Shah, Tom Lee",
    "*Get some distance first.*",
    # An hour later, from the scheduler: the reflection, answered in its thread.
    "Interview Coach sends you a direct message:",
    "*How did it go?*",
    "What did I say well and how did the interviewer react?",
    "you write in the thread:",
    "Walking them through the churn model",
    "Interview Coach answers in the thread:",
    "Saved for Acme Corp — Data Analyst. Next: *Was there something I didn't provide",
    "My answer on SQL window functions was vague",
    "Both answered",
    # The thank-you (a phone screen: no card), with what she wanted to clarify.
    "*Send a thank-you note today.*",
    ">My answer on SQL window functions was vague",
    "[Email sent]  [Skip]  [Draft]",
    "you › press [Email sent]",
    "✓ Email sent: recorded",
    # A second application: yesterday's video call at Globex.
    "you › /interview logged Globex",
    "Format: Video call",
    "When did they say you'd hear back? (optional): Fri 4 Dec 2026",
    "Logged: Globex",
    "you open the Interview Coach app's Home tab",
    "Interview Coach shows your Home tab:",
    "Acme Corp — Data Analyst\n",
    "*round 1 done · thank-you sent · follow-up due ",
    "[Manage… ▾]",
    "Globex — Product Analyst\n",
    "you › /interview list",
    "*Your applications in progress (2):*",
    "• Acme Corp (Data Analyst): phone screen,",
    "• Globex (Product Analyst): video call,",
    # Logged the next day at noon: the note at 13:00 is "today", not "first thing today".
    "*Send a thank-you note today.*",
    "Your interview was yesterday afternoon; a note today still reads as prompt.",
    "Interview: Globex (Product Analyst)",
    "✓ Email sent: recorded",
    # Globex's follow-up: she calls, and they give a new timeline; the follow-ups re-pace.
    "*Time to follow up.*",
    "Follow-up 1 · Interview: Globex (Product Analyst)",
    "you › press [Follow-up sent]",
    "you › press [They gave a new timeline…]",
    'Interview Coach opens a form "New timeline":',
    "They said they'd decide by…: Fri 4 Dec 2026",
    "They said they'd decide by…: Fri 18 Dec 2026",
    "New timeline for Globex (Product Analyst): they'll decide by Fri 18 Dec 2026.",
    "Next from me: a follow-up, Mon 21 Dec 2026 at 10:00 PST.",
    # Acme's follow-up: they want a second round.
    "Follow-up 1 · Interview: Acme Corp (Data Analyst) · phone screen",
    "you › choose [Heard back ▾] Next round",
    "Slack asks first: Close this interview?",
    "you › press [Yes, close it]",
    "Heard back: next round.",
    "On to round 2 with Acme Corp!",
    "[Log round 2]",
    # Round 2 logged ahead from the prompt, prefilled with the people already named.
    "you › press [Log round 2]",
    'Interview Coach opens a form "Log round 2":',
    "Interviewer(s) (optional): Priya Shah, Tom Lee",
    "When was it?: Tue 15 Dec 2026 14:00",
    "Logged: Acme Corp (round 2)",
    "I'll check in right after it ends, Tue 15 Dec 2026 at 15:00 PST",
    # Not a video call after all: face-to-face, at a traditional organization.
    "you › /interview edit Acme Corp",
    'Interview Coach opens a form "Edit interview":',
    "Format: Face-to-face",
    "☑ A more traditional organization",
    "Saved your changes to Acme Corp (Data Analyst).",
    # The evening before, one short reminder with the people's names.
    "Mon 14 Dec 18:00  Interview Coach sends you a direct message:",
    "*Your interview is tomorrow.*",
    "*With:* Priya Shah, Tom Lee",
    "[Change its time]",
    # Round 2's own advice, afresh, from its end.
    "Tue 15 Dec 15:00  Interview Coach sends you a direct message:",
    "*Get some distance first.* Leave the building",
    "*How did it go?*",
    "Saved for Acme Corp (round 2) — Data Analyst.",
    "*Send a thank-you note today.*",
    "send a *thank-you card by mail* as",
    "[Email sent]  [Card mailed]  [Skip]  [Draft]",
    "✓ Card mailed: recorded",
    "(no buttons left)",
    # The outcomes: an offer from Acme, and she withdraws from Globex.
    "Follow-up 1 · Interview: Acme Corp (Data Analyst) · face-to-face",
    "you › choose [Heard back ▾] Offer",
    "Heard back: offer. Congratulations",
    "Mon 21 Dec 10:00  Interview Coach sends you a direct message:",
    "Follow-up 2 · Interview: Globex (Product Analyst)",
    "you › choose [Heard back ▾] Withdrew",
    "Slack asks first: Close this interview?",
    "you › press [Yes, close it]",
    "Withdrew: noted — no more reminders for this interview.",
    "8 weeks later: no more messages about Acme Corp or Globex",
    "interviews stored:  3",
    "messages sent:      22",
    "requests rejected:  0",
    "exit code 0",
]
# When each of the bot's DMs came, in Dana's time, at the demo's own speed. Acme's phone
# screen: the confirmation carrying "get some distance", the reflection an hour on, the
# thank-you an hour later; Globex logged, its reflection and thank-you; Globex's follow-up
# the working morning after the date they gave, and the DM with its new timeline; Acme's
# follow-up the morning after its date, the offer of round 2, round 2 logged, the edit
# confirmed; the evening before; round 2's distance at its end, reflection, thank-you; its
# follow-up the morning after their date; Globex's follow-up re-paced. Thread answers are
# not among them.
DM_TIMES = [
    "Tue 1 Dec 10:00",
    "Tue 1 Dec 11:00",
    "Tue 1 Dec 12:00",
    "Tue 1 Dec 12:00",
    "Tue 1 Dec 12:00",
    "Tue 1 Dec 13:00",
    "Mon 7 Dec 10:00",
    "Mon 7 Dec 10:00",
    "Wed 9 Dec 10:00",
    "Wed 9 Dec 10:00",
    "Wed 9 Dec 10:00",
    "Wed 9 Dec 10:00",
    "Mon 14 Dec 18:00",
    "Tue 15 Dec 15:00",
    "Tue 15 Dec 16:00",
    "Tue 15 Dec 17:00",
    "Fri 18 Dec 10:00",
    "Mon 21 Dec 10:00",
]
DM_STAMP = re.compile(r"^(\w{3} \d{1,2} \w{3} \d\d:\d\d) +Interview Coach sends you a direct")


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


def _dm_times(out: str) -> list[str]:
    """Each DM's stamp: local weekday, day, month and time."""
    return [m[1] for m in map(DM_STAMP.match, out.splitlines()) if m]


def _distance_dm_came_before_the_home_tab(out: str) -> None:
    # Due the moment she saved: the confirmation DM carries it.
    saved = out.index("you change the form:")
    home = out.index("you open the Interview Coach app's Home tab")
    assert saved < out.index("*Get some distance first.*") < home, out
    assert saved < out.index("Logged: Acme Corp") < home, out


@pytest.mark.usefixtures("no_speedup_from_env")
def test_demo_plays_the_flow_and_prints_what_dana_sees(capsys: pytest.CaptureFixture) -> None:
    assert run_demo(start=START) == 0

    out, err = capsys.readouterr()
    _assert_in_order(out, KEY_MOMENTS)
    _distance_dm_came_before_the_home_tab(out)
    # To the minute: the clock stands still at each DM's due time until it is sent.
    assert _dm_times(out) == DM_TIMES
    # After the offer and the withdrawal, nothing: the last DM is Globex's second follow-up.
    assert out.count("Interview Coach sends you a direct message:") == len(DM_TIMES)
    assert out.rstrip().endswith("exit code 0")
    # Slack's markup is rendered, never shown raw.
    assert "<!date^" not in out
    assert "&lt;" not in out and "&amp;" not in out
    # The date is Dana's, in her zone, a week after the interview.
    assert "*They said you'd hear back by:* Tue 8 Dec 2026" in out
    assert all(len(line) <= WIDTH for line in out.splitlines() if line.startswith(INDENT))
    assert "FAILED" not in err


@pytest.mark.usefixtures("no_speedup_from_env")
def test_when_both_follow_ups_share_a_dm_each_press_lands_on_its_own_application(
    capsys: pytest.CaptureFixture,
) -> None:
    """Started a week later, Christmas moves Acme's follow-up onto Globex's Monday: one DM
    carries both (Globex's part first). The offer must go to Acme and the withdrawal to
    Globex: pressing the first "Heard back" in the DM gave Globex the offer, and the demo
    still passed, its checks finding "offer" anywhere in the DM."""
    assert run_demo(start=START + timedelta(weeks=1)) == 0
    out, err = capsys.readouterr()
    shared = out[out.index("Mon 28 Dec 10:00") :]
    assert shared.index("Interview: Globex") < shared.index("Interview: Acme Corp"), "one DM"
    _assert_in_order(
        out,
        [
            "you › choose [Heard back ▾] Offer",
            "Heard back from Acme Corp (Data Analyst)",
            "you › choose [Heard back ▾] Withdrew",
            "Heard back from Globex (Product Analyst)",
        ],
    )
    # The edit shows what changed in Globex's part: its [Reopen] too, though Acme's part
    # already showed one (compared line by line over the whole DM, it was left out).
    last_edit = out[out.rindex("edits its message of Mon 28 Dec 10:00:") :].split("\n\n")[0]
    _assert_in_order(
        last_edit, ["in the part about Globex (Product Analyst):", "Withdrew: noted", "[Reopen]"]
    )
    assert "Acme" not in last_edit
    assert "FAILED" not in err


def test_demo_at_the_highest_speedup_still_plays_every_step_in_order(
    capsys: pytest.CaptureFixture,
) -> None:
    # Had the clock run while Dana waited, the dispatcher's 20 ms tick would be two days of
    # the bot's time: the thank-you would go out before she answered the reflection.
    assert run_demo(speedup=10_000_000, start=START) == 0
    out, err = capsys.readouterr()
    _assert_in_order(out, KEY_MOMENTS)
    assert _dm_times(out) == DM_TIMES
    assert "FAILED" not in err


def _demo_process(
    env: dict[str, str], start: str = START.isoformat()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--start", start],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_interview_bot_demo_command_exits_0_and_prints_the_transcript() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CLOCK_SPEEDUP"}
    started = time.monotonic()
    result = _demo_process(env)

    assert result.returncode == 0, result.stderr
    # Ten weeks of the bot's time, well under a minute of ours.
    assert time.monotonic() - started < 30
    _assert_in_order(result.stdout, KEY_MOMENTS)
    assert _dm_times(result.stdout) == DM_TIMES
    # Logs stay quiet: nothing at INFO, no tracebacks interleaved with the transcript.
    assert "Traceback" not in result.stderr
    assert "INFO" not in result.stderr


def test_bad_clock_speedup_is_a_configuration_problem() -> None:
    result = _demo_process({**os.environ, "CLOCK_SPEEDUP": "fast"})
    assert result.returncode == 2
    assert "CLOCK_SPEEDUP is not valid" in result.stderr


@pytest.mark.parametrize("speedup", ["0", "-3", "nan", "inf", "20000000"])
def test_a_bad_speedup_flag_is_refused_as_the_flag_in_one_line(speedup: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--speedup", speedup],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"interview-bot: demo: --speedup {float(speedup):,.15g} is not a number")
    assert ".env" not in line and "CLOCK_SPEEDUP" not in line
    assert result.stdout == ""


@pytest.mark.parametrize("start", ["next week", "2026-12-32", "1 Dec 2026", ""])
def test_a_start_that_is_not_a_date_is_refused_in_one_line(start: str) -> None:
    result = _demo_process(dict(os.environ), start=start)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"interview-bot: demo: --start {start!r} is not a date like 2026-12-01"
    ]
    assert result.stdout == ""


def test_the_story_starts_on_the_day_asked_for_at_10_in_danas_zone() -> None:
    # Summer time in Los Angeles: 10:00 is 17:00 UTC (in winter, 18:00), whatever `now` is.
    assert story_start(date(2027, 7, 6), LA, NOW) == datetime(2027, 7, 6, 17, 0, tzinfo=UTC)
    assert story_start(START, LA, NOW) == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    # A day before `now` is fine too: the clock starts there.
    assert story_start(date(2020, 2, 29), LA, NOW) == datetime(2020, 2, 29, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now_in_la", "expected"),
    [
        (datetime(2026, 11, 26, 10, 0), datetime(2026, 12, 1, 10, 0)),  # Thursday: next Tue
        (datetime(2026, 12, 1, 9, 59), datetime(2026, 12, 1, 10, 0)),  # Tuesday, before 10
        (datetime(2026, 12, 1, 10, 0), datetime(2026, 12, 8, 10, 0)),  # Tuesday, from 10 on
        (datetime(2027, 3, 12, 23, 30), datetime(2027, 3, 16, 10, 0)),  # across spring-forward
    ],
)
def test_without_a_day_the_story_starts_on_the_next_tuesday_at_10(
    now_in_la: datetime, expected: datetime
) -> None:
    now = now_in_la.replace(tzinfo=LA).astimezone(UTC)
    assert story_start(None, LA, now) == expected.replace(tzinfo=LA).astimezone(UTC)


# -- when a step does not happen -------------------------------------------------------------------


def test_a_dm_slack_refuses_fails_the_demo_saying_which_step(
    capsys: pytest.CaptureFixture,
) -> None:
    out = io.StringIO()
    with stage(start=START) as on_stage:
        # The confirmation (carrying "get some distance") is refused; the dispatcher's try
        # of the advice alone too.
        on_stage.standin.fail_next("chat.postMessage", "account_inactive", times=2)
        # The wait ends the step only when no DM comes, so it is spent whole: long enough for
        # a loaded machine to finish the listener (0.5 s once read "still busy"), no longer.
        code = play(on_stage, STEPS, out, wait_seconds=3)

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
    with stage(start=START) as on_stage:
        forger = SignedSlackSender(on_stage.slack.events_url, "not-the-signing-secret")
        code = play(dataclasses.replace(on_stage, slack=forger), STEPS, out, wait_seconds=0.5)

    assert code == 1
    assert "rejected /interview help with HTTP 401" in capsys.readouterr().err


def test_waiting_for_a_dm_passes_by_the_others_and_stops_the_clock_at_its_due_time() -> None:
    with stage(speedup=10_000_000, start=START) as on_stage:
        out = io.StringIO()
        clock = on_stage.bot.services.clock
        recorder = Recorder(on_stage.standin, clock, clock.speedup, on_stage.tz, out, on_stage.time)
        scene = Scene(on_stage, recorder)
        for step in STEPS[1:4]:  # she logs the interview, correcting the date
            step.act(scene)

        # She does not answer the reflection prompt: the wait skips to it, then to the
        # thank-you, one nudge at a time.
        scene.next_dm(THANK_YOU_MARK, "the thank-you never came")

        marks = ["Logged:", DISTANCE_MARK, REFLECTION_MARK, THANK_YOU_MARK]
        shown = [
            next(mark for mark in marks if mark in "\n".join(render_message(call.params, LA)))
            for call in on_stage.standin.calls_to("chat.postMessage")
        ]
        # The confirmation carries "get some distance"; the rest come in their order.
        assert shown == ["Logged:", REFLECTION_MARK, THANK_YOU_MARK]
        assert DISTANCE_MARK in "\n".join(
            render_message(on_stage.standin.calls_to("chat.postMessage")[0].params, LA)
        )
        assert f"{clock.now().astimezone(LA):%a %d %b %Y %H:%M:%S}" == "Tue 01 Dec 2026 12:00:00"
        assert Summary.collect(on_stage.bot.services.db, [], 0).nudges["sent"] == 3


def test_nothing_more_is_not_checked_while_a_nudge_is_still_planned(
    capsys: pytest.CaptureFixture,
) -> None:
    # Jumping eight weeks over a pending nudge would have the dispatcher drop it as too late
    # (failed, not sent): the silence afterwards would prove nothing.
    out = io.StringIO()
    steps = (*STEPS[:4], STEPS[-1])  # she logs the interview, then only waits
    with stage(start=START) as on_stage:
        code = play(on_stage, steps, out, wait_seconds=2)
        nudges = Summary.collect(on_stage.bot.services.db, [], 0).nudges

    assert code == 1
    err = capsys.readouterr().err
    assert (
        "FAILED while Dana waits to see that nothing more comes: a nudge is still planned, "
        "due Tue 1 Dec 11:00" in err
    )
    assert nudges["failed"] == 0  # the clock was not moved
    assert "weeks later" not in out.getvalue()


@pytest.mark.usefixtures("no_speedup_from_env")
def test_the_stage_runs_the_real_dispatch_job_on_a_scaled_clock() -> None:
    with stage(start=START) as on_stage:
        clock = on_stage.bot.services.clock
        assert isinstance(clock, ScaledClock)
        assert clock.speedup == on_stage.bot.settings.clock_speedup == DEMO_SPEEDUP
        # The story starts on the day asked for at 10:00, Dana's time, and stands still
        # until she waits for the coach.
        start = clock.now()
        assert start == datetime(2026, 12, 1, 10, 0, tzinfo=LA)
        assert on_stage.ticks.wait(2)  # the production scheduler's dispatch job runs
        assert clock.now() == start
        on_stage.time.skip(timedelta(days=3))
        assert abs(clock.now() - start - timedelta(days=3)) < timedelta(milliseconds=1)
        on_stage.time.run()  # and it can run, at CLOCK_SPEEDUP
        assert on_stage.ticks.wait(2)
        on_stage.time.hold()
        assert clock.now() - start > timedelta(days=3)


def test_skipping_time_stands_still_jumps_and_remembers_past_readings() -> None:
    real = [100.0]
    source = SkippingTime(speedup=60, source=lambda: real[0])
    real[0] = 101.0
    assert source() == 101.0  # runs at real pace: the ScaledClock multiplies
    source.hold()
    real[0] = 105.0
    assert source() == 101.0
    source.skip(timedelta(minutes=2))  # two of the bot's minutes: two real seconds at 60x
    assert source() == 103.0
    source.run()
    real[0] = 106.0
    assert source() == 104.0
    # A call stamped at real 102 (while held) read 101; at 100.5, before any change, 100.5.
    assert source.reading_at(102.0) == 101.0
    assert source.reading_at(100.5) == 100.5
    assert source.reading_at(105.5) == 103.5
    source.skip(timedelta(seconds=-5))  # never backwards
    assert source() == 104.0


def test_the_stage_is_taken_down_even_when_the_demo_breaks() -> None:
    with pytest.raises(RuntimeError), stage(start=START) as on_stage:
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

    broken = Summary(
        0, Counter(), Counter({"chat.postMessage: ratelimited": 1}), 2, Counter({"pending": 2})
    )
    assert broken.problems() == [
        "no interview was stored",
        "the bot rejected 2 request(s)",
        "2 nudge(s) still planned after the interview closed",
        "Slack refused 1 call(s): chat.postMessage: ratelimited ×1",
    ]
    dropped = Summary(1, Counter(), Counter(), 0, Counter({"sent": 5, "failed": 1}))
    assert dropped.problems() == ["1 nudge(s) failed instead of being sent"]
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
    assert "_No interviews in progress yet._" in render_home(home_view([], now=NOW), LA)
    application = ApplicationProgress(1, "Acme Corp", "Data Analyst", (_summary(),))
    lines = render_home(home_view([application], now=NOW), LA)
    assert "[Log an interview]" in lines
    assert "Acme Corp — Data Analyst" in lines
    assert "[Manage… ▾]" in lines


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


def test_an_answer_to_a_prompt_in_a_grouped_dm_keeps_the_other_parts() -> None:
    # Globex logged before Acme's reflection is due: at 11:00 Acme's reflection and Globex's
    # thank-you come as one grouped DM, and Dana answers the reflection in its thread.
    by_name = {step.act.__name__: step for step in STEPS}
    steps = (
        *STEPS[:4],
        by_name["log_the_other_application"],
        by_name["answer_the_reflection"],
    )
    with stage(start=START) as on_stage:
        play(on_stage, steps, io.StringIO(), wait_seconds=5)
        dm = on_stage.standin.calls_to("conversations.open")[-1].response["channel"]["id"]
        grouped = [
            "\n".join(render_message(m, LA))
            for m in on_stage.standin.messages(dm)
            if "things from me this hour" in "\n".join(render_message(m, LA))
            or "Walking them through" in "\n".join(render_message(m, LA))
        ]
    assert grouped, "the reflection and the thank-you did not come as one grouped DM"
    assert "Interview: Globex" in grouped[0] and "[Email sent]" in grouped[0]
