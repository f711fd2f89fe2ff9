"""Dana's part: what she does in Slack, step by step, and what each step must show her.

To play more of the coaching flow, add steps to `STEPS`: whatever the bot sends meanwhile
(reminders from the scheduler, answers to buttons) reaches the transcript by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.demo.scene import DemoFailed, Scene
from bot.demo.transcript import render_home, render_message
from bot.domain import InterviewFormat
from bot.ui.log_modal import BLOCK_IDS, TRADITIONAL

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
    dm = scene.expect("chat.postMessage", after=before, because="no confirmation DM arrived")
    shown = "\n".join(render_message(dm.params, scene.tz))
    if f"Logged: {COMPANY}" not in shown:
        raise DemoFailed(f"the confirmation DM does not say it logged {COMPANY}:\n{shown}")


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


STEPS: tuple[Step, ...] = (
    Step("asks for help", ask_for_help),
    Step("logs an interview", open_the_form),
    Step("fills in the form with a wrong date", make_a_mistake),
    Step("corrects the date and saves", correct_and_save),
    Step("opens the Home tab", open_home_tab),
    Step("lists her interviews", list_interviews),
)
