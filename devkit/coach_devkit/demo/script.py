"""Dana's part: what she does in Slack, step by step, and what each step must show her.

A job search with two applications. Acme Corp: a phone screen, its reflection and
thank-you, then "Heard back: next round"; round 2 logged ahead from the coach's prompt,
corrected from a video call to face-to-face at a traditional organization (the card joins
the advice), the reminder the evening before, round 2's advice afresh, and an offer. Globex:
a video call from the day before, a follow-up after which they give a new timeline (the
follow-ups re-paced from it), and at last "Withdrew". After that the coach is silent. The
bot's own DMs come from its scheduler as they fall due and reach the transcript by
themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.rules.calendar import at_local, local_date
from bot.rules.domain import InterviewFormat
from bot.rules.zones import UTC_ZONE
from bot.ui import timeline_modal
from bot.ui.log_modal import BLOCK_IDS, TRADITIONAL
from coach_devkit.demo.scene import DemoFailed, Scene, part_about
from coach_devkit.demo.transcript import render_home, render_message
from coach_devkit.slack_standin import RecordedCall

COMPANY = "Acme Corp"
ROLE = "Data Analyst"
INTERVIEWERS = "Priya Shah, Tom Lee"
HIRING_MANAGER = "Priya Shah"
HEAR_BACK_AFTER = timedelta(days=7)
USAGE_MARK = "/interview logged [company]"
# The second application: a video call the day before the story starts.
OTHER = "Globex"
OTHER_ROLE = "Product Analyst"
OTHER_PERSON = "Sam Okafor"
OTHER_HEAR_BACK = timedelta(days=3)  # from the story's first day
# What Globex says when she follows up: they decide later than they first said.
NEW_TIMELINE = timedelta(days=17)
# Acme's round 2: two weeks on, in the afternoon; they will decide two days later.
ROUND_TWO_IN = timedelta(days=14)
ROUND_TWO_HOUR = 14
ROUND_TWO_DECISION = timedelta(days=2)


@dataclass(frozen=True)
class Step:
    does: str  # what Dana does, for the failure message: "Dana <does>"
    act: Callable[[Scene], None]


def _answer_text(body: Mapping[str, Any] | None) -> str:
    return str((body or {}).get("text", ""))


def _input_element(form: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    for block in form.get("blocks", []):
        if block.get("block_id") == BLOCK_IDS[field]:
            return dict(block.get("element") or {})
    raise DemoFailed(f"the form has no {field!r} input")


def _first_day(scene: Scene) -> date:
    """The story's first day, in Dana's days: every date she enters counts from it."""
    first = scene.notes.get("first_day")
    if first is None:
        first = local_date(scene.now(), scene.tz)
        scene.notes["first_day"] = first
    return first


def dana_answers(form: Mapping[str, Any], scene: Scene, hear_back: timedelta) -> dict[str, Any]:
    """Dana's answers about her phone screen, keyed by block id; she keeps the prefilled
    company and date-time."""
    company = _input_element(form, "company").get("initial_value")
    if company != COMPANY:
        raise DemoFailed(f"the form came prefilled with company {company!r}, not {COMPANY!r}")
    happened = _input_element(form, "happened_at").get("initial_date_time")
    if happened is None:
        raise DemoFailed("the form's date-time picker came without the current time")
    # The date picker works in Dana's days, so the hear-back date is counted from her local day.
    interview_day = datetime.fromtimestamp(int(happened), UTC).astimezone(scene.tz).date()
    scene.notes["first_day"] = interview_day
    return {
        BLOCK_IDS["company"]: company,
        BLOCK_IDS["role"]: ROLE,
        BLOCK_IDS["happened_at"]: int(happened),
        BLOCK_IDS["format"]: InterviewFormat.PHONE_SCREEN.value,
        BLOCK_IDS["flags"]: [],
        BLOCK_IDS["interviewers"]: INTERVIEWERS,
        BLOCK_IDS["hiring_manager"]: HIRING_MANAGER,
        BLOCK_IDS["employer_timeline"]: (interview_day + hear_back).isoformat(),
    }


def prefilled_answers(form: Mapping[str, Any]) -> dict[str, Any]:
    """A form's inputs as it opens, as answers keyed by block id: what was saved (an edit)
    or carried over (the next round)."""
    answers: dict[str, Any] = {}
    for block in form.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        kind, value = element.get("type"), None
        if kind == "plain_text_input":
            value = element.get("initial_value")
        elif kind == "datetimepicker":
            value = element.get("initial_date_time")
        elif kind == "datepicker":
            value = element.get("initial_date")
        elif kind in {"static_select", "radio_buttons"}:
            value = (element.get("initial_option") or {}).get("value")
        elif kind == "checkboxes":
            value = [o["value"] for o in element.get("initial_options") or []]
        if value is not None:
            answers[block["block_id"]] = value
    return answers


# A slip of the finger: the day before the interview instead of a week after it.
MISTAKE = -timedelta(days=1)


def ask_for_help(scene: Scene) -> None:
    answer = scene.type_command("help")
    if USAGE_MARK not in _answer_text(answer):
        raise DemoFailed(f"`/interview help` did not answer with the usage text: {answer!r}")


def open_the_form(scene: Scene) -> None:
    before = scene.mark("views.open")
    scene.type_command(f"logged {COMPANY}")
    scene.expect("views.open", after=before, because="`/interview logged` opened no form")


def make_a_mistake(scene: Scene) -> None:
    form = scene.current_form()
    answer = scene.submit_form(form, dana_answers(form, scene, MISTAKE)) or {}
    kept_open = answer.get("response_action") == "errors"
    flagged = (answer.get("errors") or {}) if kept_open else {}
    if BLOCK_IDS["employer_timeline"] not in flagged:
        raise DemoFailed(
            f"the bot accepted a hear-back date before the interview (answer: {answer!r})"
        )


def correct_and_save(scene: Scene) -> None:
    form = scene.current_form()
    before = scene.mark("chat.postMessage")
    answer = scene.submit_form(
        form,
        dana_answers(form, scene, HEAR_BACK_AFTER),
        previous=dana_answers(form, scene, MISTAKE),
    )
    if (answer or {}).get("response_action"):
        raise DemoFailed(f"the bot did not accept the corrected form: {answer!r}")
    scene.expect_post(
        after=before, containing=f"Logged: {COMPANY}", because="no confirmation DM arrived"
    )
    # Due as soon as she logged it: the confirmation carries it, one DM.
    scene.expect_post(
        after=before, containing=DISTANCE_MARK, because="no 'get some distance' DM arrived"
    )


def log_the_other_application(scene: Scene) -> None:
    before = scene.mark("views.open")
    scene.type_command(f"logged {OTHER}")
    scene.expect("views.open", after=before, because="`/interview logged` opened no form")
    form = scene.current_form()
    first = _first_day(scene)
    yesterday = at_local(first - timedelta(days=1), 15, scene.tz)
    posted = scene.mark("chat.postMessage")
    scene.notes["other_logged"] = posted  # its DMs may come while she reads Acme's
    answer = scene.submit_form(
        form,
        {
            BLOCK_IDS["company"]: OTHER,
            BLOCK_IDS["role"]: OTHER_ROLE,
            BLOCK_IDS["happened_at"]: int(yesterday.timestamp()),
            BLOCK_IDS["format"]: InterviewFormat.VIDEO.value,
            BLOCK_IDS["flags"]: [],
            BLOCK_IDS["interviewers"]: OTHER_PERSON,
            BLOCK_IDS["hiring_manager"]: OTHER_PERSON,
            BLOCK_IDS["employer_timeline"]: (first + OTHER_HEAR_BACK).isoformat(),
        },
    )
    if (answer or {}).get("response_action"):
        raise DemoFailed(f"the bot did not accept the {OTHER} form: {answer!r}")
    scene.expect_post(
        after=posted, containing=f"Logged: {OTHER}", because=f"{OTHER} was not confirmed"
    )


def open_home_tab(scene: Scene) -> None:
    before = scene.mark("views.publish")
    scene.open_home_tab()
    call = scene.expect("views.publish", after=before, because="the Home tab was never published")
    shown = "\n".join(render_home(call.params.get("view") or {}, scene.tz))
    if COMPANY not in shown or OTHER not in shown:
        raise DemoFailed(f"the Home tab does not list both {COMPANY} and {OTHER}")


def list_interviews(scene: Scene) -> None:
    answer = _answer_text(scene.type_command("list"))
    if COMPANY not in answer or OTHER not in answer:
        raise DemoFailed(f"`/interview list` does not list {COMPANY} and {OTHER}: {answer!r}")


# What each of the coach's DMs shows, to know it when it comes.
DISTANCE_MARK = "Get some distance first."
REFLECTION_MARK = "What did I say well"
THANK_YOU_MARK = "Send a thank-you note"  # "… today." or, the day after, "… first thing today."
CARD_MARK = "thank-you card by mail"
FOLLOW_UP_MARK = "Time to follow up"  # "… follow up." the first time, "… again." after
EVENING_MARK = "Your interview is tomorrow."
ROUND_TWO_MARK = f"On to round 2 with {COMPANY}"
SAID_WELL = "Walking them through the churn model; Priya asked two follow-up questions."
TO_CLARIFY = "My answer on SQL window functions was vague: I'd show the query I wrote."
ROUND_TWO_WELL = "The case study: I showed the query I had promised and Tom liked it."
ROUND_TWO_CLARIFY = "I never asked how the team decides which dashboards to build."
QUIET_AFTERWARDS = timedelta(weeks=8)


def _text_of(call: RecordedCall) -> str:
    return "\n".join(render_message(call.params, UTC_ZONE))


def _part_text(call: RecordedCall, about: str) -> str:
    """The text of the part of a posted or edited message about `about` (a grouped DM
    carries one part a nudge; see Scene.press)."""
    blocks = part_about(list(call.params.get("blocks") or []), about)
    return "\n".join(render_message({"blocks": blocks}, UTC_ZONE))


def _answer_in_thread(scene: Scene, prompt: RecordedCall, first: str, second: str) -> None:
    thread = str((prompt.response or {}).get("ts", ""))
    reply = scene.write_dm(first, thread_ts=thread)
    if reply.params.get("thread_ts") != thread or "Next:" not in _text_of(reply):
        raise DemoFailed(f"the first answer got no next question in the thread: {reply.params}")
    reply = scene.write_dm(second, thread_ts=thread)
    if reply.params.get("thread_ts") != thread:
        raise DemoFailed(f"the second answer was not acknowledged in the thread: {reply.params}")


def answer_the_reflection(scene: Scene) -> None:
    prompt = scene.next_dm(REFLECTION_MARK, "the reflection prompt never came", about=COMPANY)
    _answer_in_thread(scene, prompt, SAID_WELL, TO_CLARIFY)


def thank_the_other(scene: Scene) -> None:
    thank_you = scene.next_dm(
        THANK_YOU_MARK,
        f"{OTHER}'s thank-you DM never came",
        about=OTHER,
        since=scene.notes.get("other_logged"),
    )
    if "Email sent" not in _text_of(scene.press(thank_you, "Email sent")):
        raise DemoFailed(f"{OTHER}'s thank-you DM does not show the email as sent")


def send_thanks(scene: Scene) -> None:
    thank_you = scene.next_dm(THANK_YOU_MARK, "the thank-you DM never came", about=COMPANY)
    if "SQL window functions" not in _text_of(thank_you):
        raise DemoFailed("the thank-you DM does not remind her of what she wanted to clarify")
    if "Email sent" not in _text_of(scene.press(thank_you, "Email sent")):
        raise DemoFailed("the thank-you DM does not show the email as sent")


def new_timeline(scene: Scene) -> None:
    follow_up = scene.next_dm(FOLLOW_UP_MARK, f"{OTHER}'s follow-up never came", about=OTHER)
    scene.press(follow_up, "Follow-up sent")
    scene.press(follow_up, "They gave a new timeline…", expect="views.open")
    form = scene.current_form()
    told = scene.mark("chat.postMessage")
    scene.notes["new_timeline"] = told  # Globex's next follow-up comes after this post
    picked = {timeline_modal.BLOCK_ID: (_first_day(scene) + NEW_TIMELINE).isoformat()}
    answer = scene.submit_form(form, picked, previous=prefilled_answers(form))
    if (answer or {}).get("response_action"):
        raise DemoFailed(f"the bot did not accept the new timeline: {answer!r}")
    scene.expect_post(
        after=told,
        containing=f"New timeline for {OTHER}",
        because="no DM said when the next follow-up comes",
    )


def next_round(scene: Scene) -> None:
    follow_up = scene.next_dm(FOLLOW_UP_MARK, f"{COMPANY}'s follow-up never came", about=COMPANY)
    before = scene.mark("chat.postMessage")
    scene.press(follow_up, "Heard back", option="next_round")
    scene.notes["round_two_offer"] = scene.expect_post(
        after=before, containing=ROUND_TWO_MARK, because="no DM offered to log round 2"
    )


def log_round_two(scene: Scene) -> None:
    offer = scene.notes.get("round_two_offer")
    if offer is None:
        raise DemoFailed("the offer to log round 2 never came")
    scene.press(offer, "Log round 2", expect="views.open")
    form = scene.current_form()
    carried = prefilled_answers(form)
    if carried.get(BLOCK_IDS["interviewers"]) != INTERVIEWERS:
        raise DemoFailed(f"the round 2 form did not carry the interviewers over: {carried!r}")
    first = _first_day(scene)
    starts = at_local(first + ROUND_TWO_IN, ROUND_TWO_HOUR, scene.tz)
    answers = {
        **carried,
        BLOCK_IDS["happened_at"]: int(starts.timestamp()),
        BLOCK_IDS["format"]: InterviewFormat.VIDEO.value,
        BLOCK_IDS["employer_timeline"]: (first + ROUND_TWO_IN + ROUND_TWO_DECISION).isoformat(),
    }
    before = scene.mark("chat.postMessage")
    answer = scene.submit_form(form, answers, previous=carried)
    if (answer or {}).get("response_action"):
        raise DemoFailed(f"the bot did not accept round 2: {answer!r}")
    scene.expect_post(
        after=before,
        containing=f"Logged: {COMPANY} (round 2)",
        because="round 2 was not confirmed",
    )


def correct_the_format(scene: Scene) -> None:
    before = scene.mark("views.open")
    scene.type_command(f"edit {COMPANY}")
    scene.expect("views.open", after=before, because="`/interview edit` opened no form")
    form = scene.current_form()
    saved = prefilled_answers(form)
    posted = scene.mark("chat.postMessage")
    changed = {
        **saved,
        BLOCK_IDS["format"]: InterviewFormat.IN_PERSON.value,
        BLOCK_IDS["flags"]: [TRADITIONAL],
    }
    answer = scene.submit_form(form, changed, previous=saved)
    if (answer or {}).get("response_action"):
        raise DemoFailed(f"the bot did not accept the correction: {answer!r}")
    # The card joins round 2's thank-you, which comes after it (see round_two_advice).
    scene.expect_post(
        after=posted, containing="Saved your changes", because="no DM confirmed the correction"
    )


def evening_before(scene: Scene) -> None:
    reminder = scene.next_dm(EVENING_MARK, "no reminder came the evening before round 2")
    if "Priya Shah" not in _text_of(reminder):
        raise DemoFailed("the evening-before reminder does not name the people")


def round_two_advice(scene: Scene) -> None:
    scene.next_dm(DISTANCE_MARK, "round 2's 'get some distance' never came", about=COMPANY)
    prompt = scene.next_dm(REFLECTION_MARK, "round 2's reflection never came", about=COMPANY)
    _answer_in_thread(scene, prompt, ROUND_TWO_WELL, ROUND_TWO_CLARIFY)
    thank_you = scene.next_dm(CARD_MARK, "round 2's thank-you with the card never came")
    scene.press(thank_you, "Email sent")
    edited = scene.press(thank_you, "Card mailed")
    if "Card mailed" not in _text_of(edited) or "Email sent" not in _text_of(edited):
        raise DemoFailed("the thank-you DM does not show both the email and the card")


def hear_back_with_an_offer(scene: Scene) -> None:
    follow_up = scene.next_dm(FOLLOW_UP_MARK, "round 2's follow-up never came", about=COMPANY)
    edited = scene.press(follow_up, "Heard back", option="offer", about=COMPANY)
    if "heard back: offer" not in _part_text(edited, COMPANY).lower():
        raise DemoFailed(f"{COMPANY}'s follow-up does not show the offer")


def withdraw_from_the_other(scene: Scene) -> None:
    since = scene.notes.get("new_timeline")
    follow_up = scene.next_dm(
        FOLLOW_UP_MARK, f"{OTHER}'s re-paced follow-up never came", about=OTHER, since=since
    )
    edited = scene.press(follow_up, "Heard back", option="withdrew", about=OTHER)
    if "withdrew" not in _part_text(edited, OTHER).lower():
        raise DemoFailed(f"{OTHER}'s follow-up does not show that she withdrew")


def hear_nothing_more(scene: Scene) -> None:
    came = scene.nothing_more_for(QUIET_AFTERWARDS)
    if came:
        raise DemoFailed(f"{came} DM(s) came after both applications ended")
    scene.recorder.entry(
        "…",
        f"{QUIET_AFTERWARDS.days // 7} weeks later: no more messages about {COMPANY} or {OTHER}",
    )


STEPS: tuple[Step, ...] = (
    Step("asks for help", ask_for_help),
    Step("logs her phone screen", open_the_form),
    Step("fills in the form with a wrong date", make_a_mistake),
    Step("corrects the date and saves", correct_and_save),
    Step("answers the reflection prompts in the thread", answer_the_reflection),
    Step("sends her thank-you email", send_thanks),
    Step("logs yesterday's video call with another company", log_the_other_application),
    Step("opens the Home tab", open_home_tab),
    Step("lists her applications", list_interviews),
    Step(f"records her thank-you email to {OTHER}", thank_the_other),
    Step("follows up and enters the new timeline they gave", new_timeline),
    Step("hears back: next round", next_round),
    Step("logs round 2 ahead from the coach's prompt", log_round_two),
    Step("corrects round 2's format", correct_the_format),
    Step("gets the reminder the evening before", evening_before),
    Step("goes through round 2's advice", round_two_advice),
    Step("hears back with an offer", hear_back_with_an_offer),
    Step(f"withdraws from {OTHER}", withdraw_from_the_other),
    Step("waits to see that nothing more comes", hear_nothing_more),
)
