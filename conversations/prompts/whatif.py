"""The library of "what if" prompts a member can put to others, grouped by theme.

Each prompt has a stable key (a round remembers its words, never the key, so rewording a
prompt here changes no past round) and a theme, which the round keeps to be grouped by."""

from dataclasses import dataclass

from django.db import models


class Theme(models.TextChoices):
    DISTANCE = "distance", "Distance"
    NEW_PARTNERS = "new-partners", "New partners"
    SEXUAL_HEALTH = "sexual-health", "Sexual health"
    FAMILY = "family", "Children and family"
    TIME = "time", "Time and attention"
    JEALOUSY = "jealousy", "Jealousy"
    CROSSED = "boundary-crossed", "A boundary crossed"
    ENDINGS = "endings", "Endings"


@dataclass(frozen=True)
class Prompt:
    key: str
    theme: Theme
    text: str


_LIBRARY: dict[Theme, dict[str, str]] = {
    Theme.DISTANCE: {
        "move": (
            "What if one of us moved to another city for a year? What would we want to keep, and what could loosen?"
        ),
        "rhythm": (
            "If we were long distance, how often would we want to talk, and how would we notice it had "
            "become too little?"
        ),
        "visits": (
            "If one of us could only visit once a month, how would we share that time with the others in our lives?"
        ),
        "time-zones": "What if we lived eight hours apart? What would help us still feel close?",
    },
    Theme.NEW_PARTNERS: {
        "arrives": (
            "What if another partner came into the picture for one of us next month? What would you want "
            "to know, and when?"
        ),
        "meeting": "How would you feel about meeting a new partner of mine early on, and what would make that easier?",
        "new-energy": (
            "If one of us were swept up in the glow of something new, how would we like to be reminded of "
            "the rest of us?"
        ),
        "metamour": (
            "What if a metamour wanted to become closer friends with you? What would feel good, and what "
            "would feel like too much?"
        ),
    },
    Theme.SEXUAL_HEALTH: {
        "result": "What if one of us got a positive test result? Who would we tell, how, and how soon?",
        "barriers": (
            "If someone wanted to stop using barriers with a partner, what would we want to talk through first?"
        ),
        "testing": "How often would each of us like to get tested, and how would we like to share the results?",
        "slip": (
            "What if a condom broke with someone outside our group? What would you want from the person it happened to?"
        ),
    },
    Theme.FAMILY: {
        "children-ask": "What if one of the children asked who a partner is? What would we want them to hear?",
        "holidays": "How would we handle a holiday when more than one of us wants to spend it with the same person?",
        "relatives": "What if a relative found out about us before we were ready? What would each of us want to do?",
        "new-child": "If one of us wanted a child, how would that change things for the others?",
    },
    Theme.TIME: {
        "less-time": "What if one of us had much less free time for six months? How would we share what is left?",
        "illness": "If one of us were ill for a long while, who would we want near, and how would we share the care?",
        "fair-week": "If we started from a blank calendar, what would a fair week look like to you?",
        "phone": "What if someone often felt second on a date because of messages from another partner?",
    },
    Theme.JEALOUSY: {
        "shows-up": "When jealousy shows up for you, what helps most: some space, reassurance, or talking it through?",
        "unsure": "What if you felt jealous and weren't sure it was fair? Would you want to tell us anyway, and how?",
        "comparing": (
            "If you caught yourself comparing yourself with a metamour, what would you want from the rest of us?"
        ),
        "firsts": (
            "What if a partner shared a first with someone else that you had hoped to share? How would we "
            "look after that?"
        ),
    },
    Theme.CROSSED: {
        "by-me": "If I crossed one of your boundaries without meaning to, how would you like me to hear about it?",
        "repair": "What does repair look like to you after a boundary is crossed: words, time, a change, or all three?",
        "told-late": (
            "What if you learned a week later that an agreement had been broken? What would matter most to you then?"
        ),
        "twice": (
            "What if the same boundary were crossed twice? What would we want to do differently the second time?"
        ),
    },
    Theme.ENDINGS: {
        "breakup": "If one of our relationships ended, how would we want to look after each other while it did?",
        "metamour": (
            "What if a metamour's relationship with a partner ended? Would you want to stay in touch with them?"
        ),
        "pause": "What if one of us needed to pause a relationship rather than end it? What would that look like?",
        "leaving": "If one of us left the polycule, what would we want to say to each other on the way out?",
    },
}

PROMPTS: tuple[Prompt, ...] = tuple(
    Prompt(key=f"{theme.value}-{name}", theme=theme, text=text)
    for theme, texts in _LIBRARY.items()
    for name, text in texts.items()
)

BY_KEY: dict[str, Prompt] = {prompt.key: prompt for prompt in PROMPTS}


def prompt(key: str) -> Prompt | None:
    return BY_KEY.get(key)


def by_theme() -> list[tuple[Theme, list[Prompt]]]:
    """The library as the page shows it: each theme, in order, with its prompts."""
    return [(theme, [p for p in PROMPTS if p.theme == theme]) for theme in Theme]
