"""The gateway's own texts to tenants (the bot's texts live in the Rasa domain).

Keyed by message id, then language. Every supported language must have every text; a
unit test checks that. Keep them short, plain (B1) and honest.
"""

from __future__ import annotations

import datetime as dt

from bot.language import SUPPORTED_LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "privacy_notice": {
        "nl": (
            "Je mag anoniem blijven. Wat je hier schrijft, bewaren we om je te helpen; "
            "alleen de hulpverleners van onze dienst kunnen het lezen."
        ),
        "fr": (
            "Vous pouvez rester anonyme. Ce que vous écrivez ici est conservé pour vous aider ; "
            "seuls les travailleurs sociaux de notre service peuvent le lire."
        ),
        "en": (
            "You can stay anonymous. What you write here is kept to help you; "
            "only the caseworkers of our service can read it."
        ),
    },
    "waiting": {
        "nl": (
            "Een hulpverlener neemt je gesprek zo snel mogelijk over en antwoordt hier. "
            "Je bent nummer {position} in de wachtrij. Alles wat je nu schrijft, leest de hulpverlener ook."
        ),
        "fr": (
            "Un travailleur social reprend votre conversation dès que possible et vous répond ici. "
            "Vous êtes numéro {position} dans la file. Il lira aussi tout ce que vous écrivez maintenant."
        ),
        "en": (
            "A caseworker will take over your conversation as soon as possible and answer here. "
            "You are number {position} in the queue. They will also read everything you write now."
        ),
    },
    "office_open": {
        "nl": "Er zijn nu hulpverleners aan het werk.",
        "fr": "Des travailleurs sociaux sont au travail en ce moment.",
        "en": "Caseworkers are at work right now.",
    },
    "office_closed": {
        "nl": "Onze hulpverleners werken nu niet. Ze beginnen opnieuw {opening}.",
        "fr": "Nos travailleurs sociaux ne travaillent pas en ce moment. Ils reprennent {opening}.",
        "en": "Our caseworkers are not at work right now. They start again {opening}.",
    },
    "still_waiting": {
        "nl": "Je bericht is bewaard voor de hulpverlener. Je bent nummer {position} in de wachtrij.",
        "fr": "Votre message est gardé pour le travailleur social. Vous êtes numéro {position} dans la file.",
        "en": "Your message is kept for the caseworker. You are number {position} in the queue.",
    },
    "emergency_again": {
        "nl": "Ben je in gevaar? Bel 112. Denk je aan zelfdoding? Bel 1813. Geweld thuis? Bel 1712.",
        "fr": "Vous êtes en danger ? Appelez le 112. Vous pensez au suicide ? Appelez le 1813. "
        "Violence à la maison ? Appelez le 1712.",
        "en": "Are you in danger? Call 112. Thinking about suicide? Call 1813. Violence at home? Call 1712.",
    },
    "cancel_button": {
        "nl": "Toch niet wachten",
        "fr": "Ne plus attendre",
        "en": "Stop waiting",
    },
    "cancelled": {
        "nl": "Oké, je wacht niet meer op een hulpverlener. Je praat weer met de chatbot.",
        "fr": "D'accord, vous n'attendez plus de travailleur social. Vous parlez de nouveau avec le chatbot.",
        "en": "Okay, you are no longer waiting for a caseworker. You are talking with the chatbot again.",
    },
    "caseworker_joined": {
        "nl": "{name}, hulpverlener, neemt je gesprek nu over.",
        "fr": "{name}, travailleur social, reprend maintenant votre conversation.",
        "en": "{name}, a caseworker, is now taking over your conversation.",
    },
    "case_closed": {
        "nl": "De hulpverlener heeft het gesprek afgesloten. Je kan hier altijd opnieuw schrijven.",
        "fr": "Le travailleur social a clôturé la conversation. Vous pouvez toujours réécrire ici.",
        "en": "The caseworker has closed the conversation. You can always write here again.",
    },
    "bot_unavailable": {
        "nl": (
            "Sorry, door een technisch probleem kan ik je nu niet antwoorden. "
            "Je bericht is bewaard en gaat naar een hulpverlener. Ben je in gevaar? Bel 112."
        ),
        "fr": (
            "Désolé, à cause d'un problème technique je ne peux pas vous répondre maintenant. "
            "Votre message est enregistré et va à un travailleur social. "
            "Vous êtes en danger ? Appelez le 112."
        ),
        "en": (
            "Sorry, because of a technical problem I cannot answer you right now. "
            "Your message has been saved and goes to a caseworker. Are you in danger? Call 112."
        ),
    },
    # Telegram: what the tenant sent is not text the bot can read.
    "only_text": {
        "nl": "Ik kan alleen tekst lezen. Typ je vraag in een paar woorden.",
        "fr": "Je peux seulement lire du texte. Écrivez votre question en quelques mots.",
        "en": "I can only read text. Please type your question in a few words.",
    },
    "only_text_person": {
        "nl": (
            "De hulpverlener kan alleen tekst, foto's en documenten openen. "
            "Typ je bericht in een paar woorden."
        ),
        "fr": (
            "Le travailleur social peut seulement ouvrir du texte, des photos et des documents. "
            "Écrivez votre message en quelques mots."
        ),
        "en": (
            "The caseworker can only open text, photos and documents. "
            "Please type your message in a few words."
        ),
    },
    "photo_forwarded": {
        "nl": "Je foto is doorgegeven aan de hulpverlener.",
        "fr": "Votre photo a été transmise au travailleur social.",
        "en": "Your photo was passed to the caseworker.",
    },
    "document_forwarded": {
        "nl": "Je document is doorgegeven aan de hulpverlener.",
        "fr": "Votre document a été transmis au travailleur social.",
        "en": "Your document was passed to the caseworker.",
    },
    "stale_button": {
        "nl": "Deze knop werkt niet meer. Gebruik de nieuwste knoppen of typ je antwoord.",
        "fr": "Ce bouton ne marche plus. Utilisez les boutons les plus récents ou écrivez votre réponse.",
        "en": "This button no longer works. Use the newest buttons or type your answer.",
    },
}


_WEEKDAYS = {
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
_AT = {"nl": "{day} om {time}", "fr": "{day} à {time}", "en": "on {day} at {time}"}


def text(key: str, language: str | None, **values: object) -> str:
    """The text ``key`` in ``language`` (falling back to Dutch), with ``values`` filled in."""
    variants = TEXTS[key]
    template = variants.get(language or "", variants[SUPPORTED_LANGUAGES[0]])
    return template.format(**values) if values else template


def format_opening(moment: dt.datetime, language: str | None) -> str:
    """ "dinsdag om 09:00" / "mardi à 09:00" / "on Tuesday at 09:00"."""
    lang = language if language in _WEEKDAYS else SUPPORTED_LANGUAGES[0]
    day = _WEEKDAYS[lang].split()[moment.weekday()]
    return _AT[lang].format(day=day, time=moment.strftime("%H:%M"))
