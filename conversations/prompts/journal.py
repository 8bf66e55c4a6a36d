"""Questions to start a journal entry from, on trusting oneself. Each has a key that stays the
same, so that a link to it keeps working if the list grows; the entry keeps the words."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str


PROMPTS: tuple[Prompt, ...] = (
    Prompt("body", "What did your body tell you today, before your mind found the words?"),
    Prompt("promise", "When did you last keep a promise to yourself? How did that feel?"),
    Prompt("need", "What do you need right now that you haven't asked for yet?"),
    Prompt("gut", "Think of a time your gut was right. What did it feel like from the inside?"),
    Prompt("friend", "What would you say to a close friend who felt the way you feel now?"),
    Prompt("quiet-no", "Was there a moment today when you said yes and part of you meant no?"),
    Prompt("kept-boundary", "Which boundary did you keep this week, even if nobody noticed?"),
    Prompt("afraid", "What are you afraid would happen if you said what you want?"),
    Prompt("safe", "What does feeling safe look like for you, in small everyday things?"),
    Prompt("talked-out", "Which of your needs do you tend to talk yourself out of?"),
    Prompt("not-yet", "What would change if you trusted your own “not yet”?"),
    Prompt("protect", "When jealousy or unease shows up, what is it trying to protect?"),
    Prompt("proud", "What did you do today that you're quietly proud of?"),
    Prompt("a-year", "What do you know about yourself now that you didn't a year ago?"),
    Prompt("putting-off", "Is there a choice you keep putting off? What would help you make it?"),
    Prompt("come-back", "What helps you come back to yourself after a hard conversation?"),
    Prompt("yourself-with", "Who do you feel most like yourself with, and why?"),
    Prompt("enough", "Where in your life are you already enough, just as you are?"),
)

_BY_KEY = {prompt.key: prompt for prompt in PROMPTS}


def by_key(key: str) -> Prompt | None:
    return _BY_KEY.get(key)


def for_day(day: date) -> Prompt:
    """One question a day, the same all day, going round the list."""
    return PROMPTS[day.toordinal() % len(PROMPTS)]
