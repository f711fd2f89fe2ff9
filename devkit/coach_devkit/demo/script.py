"""Dana's part: what she does in Slack, step by step, and what each step must show her.

She logs a face-to-face interview at a traditional organization, gets the coach's DMs as
they fall due (sent by the bot's own scheduler), answers the reflection prompts in the
thread, sends her thank-you email and card, follows up, keeps going after the check-in, and
hears back with an offer; after that the coach is silent. Whatever the bot sends meanwhile
reaches the transcript by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.rules.domain import InterviewFormat
from bot.rules.draft_sheet import thank_you_key
from bot.rules.zones import UTC_ZONE
from bot.ui.draft_modal import input_block_id
from bot.ui.log_modal import BLOCK_IDS, TRADITIONAL
from bot.ui.nudges import DRAFT
from coach_devkit.demo.scene import DemoFailed, Scene
from coach_devkit.demo.transcript import YOU, render_home, render_message
from coach_devkit.slack_standin import RecordedCall

COMPANY = "Acme Corp"
ROLE = "Data Analyst"
INTERVIEWERS = "Priya Shah, Tom Lee"
HIRING_MANAGER = "Priya Shah"
HEAR_BACK_AFTER = timedelta(days=7)
USAGE_MARK = "/interview logged [company]"


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


def dana_answers(form: Mapping[str, Any], scene: Scene, hear_back: timedelta) -> dict[str, Any]:
    """Dana's answers, keyed by block id; she keeps the prefilled company and date-time."""
    company = _input_element(form, "company").get("initial_value")
    if company != COMPANY:
        raise DemoFailed(f"the form came prefilled with company {company!r}, not {COMPANY!r}")
    happened = _input_element(form, "happened_at").get("initial_date_time")
    if happened is None:
        raise DemoFailed("the form's date-time picker came without the current time")
    # The date picker works in Dana's days, so the hear-back date is counted from her local day.
    interview_day = datetime.fromtimestamp(int(happened), UTC).astimezone(scene.tz).date()
    return {
        BLOCK_IDS["company"]: company,
        BLOCK_IDS["role"]: ROLE,
        BLOCK_IDS["happened_at"]: int(happened),
        BLOCK_IDS["format"]: InterviewFormat.IN_PERSON.value,
        BLOCK_IDS["flags"]: [TRADITIONAL],
        BLOCK_IDS["interviewers"]: INTERVIEWERS,
        BLOCK_IDS["hiring_manager"]: HIRING_MANAGER,
        BLOCK_IDS["employer_timeline"]: (interview_day + hear_back).isoformat(),
    }


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


def open_home_tab(scene: Scene) -> None:
    before = scene.mark("views.publish")
    scene.open_home_tab()
    call = scene.expect("views.publish", after=before, because="the Home tab was never published")
    if COMPANY not in "\n".join(render_home(call.params.get("view") or {}, scene.tz)):
        raise DemoFailed(f"the Home tab does not list the {COMPANY} interview")


def list_interviews(scene: Scene) -> None:
    answer = scene.type_command("list")
    if COMPANY not in _answer_text(answer):
        raise DemoFailed(f"`/interview list` does not list {COMPANY}: {answer!r}")


# What each of the coach's DMs shows, to know it when it comes.
DISTANCE_MARK = "Get some distance first."
REFLECTION_MARK = "What did I say well"
THANK_YOU_MARK = "thank-you card by mail"
FOLLOW_UP_MARK = "Time to follow up"  # "… follow up." the first time, "… again." after
CHECK_IN_MARK = "Heard back yet?"
SAID_WELL = "Walking them through the churn model; Priya asked two follow-up questions."
TO_CLARIFY = "My answer on SQL window functions was vague: I'd show the query I wrote."
TOMS_PS = "P.S. The dashboard you showed me is still on my mind."
QUIET_AFTERWARDS = timedelta(weeks=8)


def _text_of(call: RecordedCall) -> str:
    return "\n".join(render_message(call.params, UTC_ZONE))


def answer_the_reflection(scene: Scene) -> None:
    prompt = scene.next_dm(REFLECTION_MARK, "the reflection prompt never came")
    thread = str((prompt.response or {}).get("ts", ""))
    first = scene.write_dm(SAID_WELL, thread_ts=thread)
    if first.params.get("thread_ts") != thread or "Next:" not in _text_of(first):
        raise DemoFailed(f"the first answer got no next question in the thread: {first.params}")
    second = scene.write_dm(TO_CLARIFY, thread_ts=thread)
    if second.params.get("thread_ts") != thread:
        raise DemoFailed(f"the second answer was not acknowledged in the thread: {second.params}")


def _prefilled(view: Mapping[str, Any]) -> dict[str, Any]:
    """A modal's inputs as it opens: block id to the text it is prefilled with."""
    return {
        block["block_id"]: (block.get("element") or {}).get("initial_value") or ""
        for block in view.get("blocks", [])
        if block.get("type") == "input"
    }


def _latest_dm(scene: Scene, containing: str) -> RecordedCall:
    """The coach's latest DM showing `containing` (one Dana has already read)."""
    for call in reversed(scene.stage.standin.calls_to("chat.postMessage")):
        if containing in _text_of(call):
            return call
    raise DemoFailed(f"no DM showing {containing!r}")


def draft_the_thanks(scene: Scene) -> None:
    thank_you = scene.next_dm(THANK_YOU_MARK, "the thank-you DM (with the card) never came")
    if "SQL window functions" not in _text_of(thank_you):
        raise DemoFailed("the thank-you DM does not remind her of what she wanted to clarify")
    # The Draft button opens a form; it changes nothing on the message.
    message = scene.shown(thank_you)
    block, element = next(
        (block, element)
        for block in message["blocks"]
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == DRAFT
    )
    scene.recorder.entry(YOU, "› press [Draft]")
    before = scene.mark("views.open")
    reply = scene.stage.slack.block_action(
        {**{k: element[k] for k in ("action_id", "text", "value")}, "block_id": block["block_id"]},
        person=scene.stage.person,
        container={
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": scene.dm_channel(),
            "is_ephemeral": False,
        },
        message=message,
    )
    if reply.status != 200:
        raise DemoFailed(f"the bot answered the press on [Draft] with HTTP {reply.status}")
    scene.settle()
    scene.expect("views.open", after=before, because="[Draft] opened no drafts")
    drafts = scene.current_form()
    shown = _prefilled(drafts)
    priya, tom = (shown.get(input_block_id(thank_you_key(i), "body"), "") for i in (0, 1))
    if "Priya" not in priya or "Tom" not in tom or "SQL window functions" not in tom:
        raise DemoFailed("the drafts are not Priya's and Tom's, with the point to clarify")
    # She adds a line of her own to Tom's email and saves it.
    edited = {**shown, input_block_id(thank_you_key(1), "body"): f"{tom}\n\n{TOMS_PS}"}
    answer = scene.submit_form(drafts, edited, previous=shown) or {}
    ready = answer.get("view") or {}
    if answer.get("response_action") != "update" or TOMS_PS not in str(ready):
        raise DemoFailed(f"saving the drafts did not show them copy-ready: {answer!r}")


def send_thanks(scene: Scene) -> None:
    thank_you = _latest_dm(scene, THANK_YOU_MARK)
    edited = scene.press(thank_you, "Email sent")
    if "Email sent" not in _text_of(edited):
        raise DemoFailed("the thank-you DM does not show the email as sent")
    edited = scene.press(thank_you, "Card mailed")
    if "Card mailed" not in _text_of(edited) or "Email sent" not in _text_of(edited):
        raise DemoFailed("the thank-you DM does not show both the email and the card")


def follow_up(scene: Scene) -> None:
    message = scene.next_dm(FOLLOW_UP_MARK, "the first follow-up never came")
    edited = scene.press(message, "Follow-up sent")
    if "Follow-up sent" not in _text_of(edited):
        raise DemoFailed("the follow-up DM does not show the follow-up as sent")


def keep_going(scene: Scene) -> None:
    message = scene.next_dm(CHECK_IN_MARK, "the check-in a week after the follow-up never came")
    edited = scene.press(message, "Keep going")
    if "Keep going" not in _text_of(edited):
        raise DemoFailed("the check-in does not show that she chose to keep going")


def hear_back(scene: Scene) -> None:
    message = scene.next_dm(FOLLOW_UP_MARK, "the second follow-up never came")
    if "Follow-up 2" not in _text_of(message):
        raise DemoFailed("the second follow-up does not say it is the second")
    edited = scene.press(message, "Heard back", option="offer")
    if "offer" not in _text_of(edited).lower():
        raise DemoFailed("the follow-up does not show the offer")


def hear_nothing_more(scene: Scene) -> None:
    came = scene.nothing_more_for(QUIET_AFTERWARDS)
    if came:
        raise DemoFailed(f"{came} DM(s) came after she heard back")
    scene.recorder.entry(
        "…", f"{QUIET_AFTERWARDS.days // 7} weeks later: no more messages about {COMPANY}"
    )


STEPS: tuple[Step, ...] = (
    Step("asks for help", ask_for_help),
    Step("logs an interview", open_the_form),
    Step("fills in the form with a wrong date", make_a_mistake),
    Step("corrects the date and saves", correct_and_save),
    Step("opens the Home tab", open_home_tab),
    Step("lists her interviews", list_interviews),
    Step("answers the reflection prompts in the thread", answer_the_reflection),
    Step("drafts her thank-you notes and saves one", draft_the_thanks),
    Step("sends her thank-you email and card", send_thanks),
    Step("follows up", follow_up),
    Step("keeps going after the check-in", keep_going),
    Step("hears back with an offer", hear_back),
    Step("waits to see that nothing more comes", hear_nothing_more),
)
