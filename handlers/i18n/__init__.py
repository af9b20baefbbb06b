"""zh-CN and en texts: ``t(locale, key, **params)``."""

from __future__ import annotations

from handlers.i18n.texts import TEXTS

LOCALES = ("en", "zh-CN")


def normalize_locale(locale: str | None, default: str = "zh-CN") -> str:
    """Map 'zh', 'zh_CN', 'zh-Hans', 'en-US' … onto the two locales we speak."""
    if not locale:
        return default
    lowered = locale.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return default


def t(locale: str, key: str, **params: object) -> str:
    """The text for ``key`` in ``locale``, with ``params`` filled in: ``key.one`` instead
    when it exists and the count ``n`` is 1 ("1 request needs" beside "2 requests need"). A
    text ending in a parameter that is empty (a comment, a trend) ends without a space."""
    if params.get("n") == 1 and f"{key}.one" in TEXTS:
        key = f"{key}.one"
    en, zh = TEXTS[key]
    template = zh if normalize_locale(locale) == "zh-CN" else en
    if not params:
        return template
    text = template.format(**params)
    return text.rstrip(" ") if template.endswith("}") else text


def join(locale: str, items: list[str]) -> str:
    """A list in the locale's punctuation."""
    return "、".join(items) if normalize_locale(locale) == "zh-CN" else ", ".join(items)


def join_all(locale: str, items: list[str]) -> str:
    """A list of which each item counts, its last joined by "and": "a, b and c", "a、b和c"."""
    if len(items) < 2:
        return "".join(items)
    zh = normalize_locale(locale) == "zh-CN"
    return (join(locale, items[:-1]) + ("和" if zh else " and ") + items[-1])
