"""The gateway's own texts to tenants (the bot's texts live in the Rasa domain).

Keyed by message id, then language. Every supported language must have every text; a
unit test checks that. Keep them short, plain (B1) and honest.
"""

from __future__ import annotations

from bot.language import SUPPORTED_LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "bot_unavailable": {
        "nl": (
            "Sorry, door een technisch probleem kan ik je nu niet antwoorden. "
            "Je bericht is wel bewaard. Probeer het binnen enkele minuten opnieuw. "
            "Ben je in gevaar? Bel 112."
        ),
        "fr": (
            "Désolé, à cause d'un problème technique je ne peux pas vous répondre maintenant. "
            "Votre message est bien enregistré. Réessayez dans quelques minutes. "
            "Vous êtes en danger ? Appelez le 112."
        ),
        "en": (
            "Sorry, because of a technical problem I cannot answer you right now. "
            "Your message has been saved. Please try again in a few minutes. "
            "Are you in danger? Call 112."
        ),
    },
}


def text(key: str, language: str | None) -> str:
    """The text ``key`` in ``language``, falling back to Dutch."""
    variants = TEXTS[key]
    return variants.get(language or "", variants[SUPPORTED_LANGUAGES[0]])
