"""Explicit requests for a language ("in het Frans aub", "po polsku proszę")."""

from __future__ import annotations

import unicodedata

from bot.language.text import WORD

#: Names of each language (and "in that language" forms) in the eight languages.
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "nl": (
        "nederlands",
        "vlaams",
        "hollands",
        "dutch",
        "flemish",
        "néerlandais",
        "neerlandais",
        "flamand",
        "felemenkçe",
        "felemenkce",
        "flamanca",
        "hollandaca",
        "niderlandzki",
        "niderlandzku",
        "holenderski",
        "holendersku",
        "flamandzki",
        "flamandzku",
        "olandeză",
        "olandeza",
        "neerlandeză",
        "neerlandeza",
        "flamandă",
        "flamanda",
        "нідерландська",
        "нідерландською",
        "голландська",
        "голландською",
        "фламандська",
        "фламандською",
        "الهولندية",
        "بالهولندية",
        "بالهولندي",
        "هولندي",
        "الفلامانية",
        "بالفلامانية",
        "بالفلاماني",
    ),
    "fr": (
        "frans",
        "french",
        "français",
        "francais",
        "fransızca",
        "fransizca",
        "francuski",
        "francusku",
        "franceză",
        "franceza",
        "franțuzește",
        "frantuzeste",
        "французька",
        "французькою",
        "الفرنسية",
        "بالفرنسية",
        "بالفرنسي",
        "فرنسي",
        "فرنساوي",
    ),
    "en": (
        "engels",
        "english",
        "anglais",
        "ingilizce",
        "i̇ngilizce",
        "İngilizce",
        "angielski",
        "angielsku",
        "engleză",
        "engleza",
        "englezește",
        "englezeste",
        "англійська",
        "англійською",
        "الإنجليزية",
        "الانجليزية",
        "بالإنجليزية",
        "بالانجليزية",
        "بالإنجليزي",
        "بالانجليزي",
        "انجليزي",
        "إنجليزي",
        "الانكليزية",
        "بالانكليزي",
    ),
    "tr": (
        "turks",
        "turkish",
        "turc",
        "turque",
        "türkçe",
        "turkce",
        "türkce",
        "turecki",
        "turecku",
        "turcă",
        "turca",
        "turcește",
        "turceste",
        "турецька",
        "турецькою",
        "التركية",
        "بالتركية",
        "بالتركي",
        "تركي",
    ),
    "ar": (
        "arabisch",
        "arabic",
        "arabe",
        "arapça",
        "arapca",
        "arabski",
        "arabsku",
        "arabă",
        "arabește",
        "arabeste",
        "арабська",
        "арабською",
        "العربية",
        "بالعربية",
        "بالعربي",
        "عربي",
        "العربي",
    ),
    "pl": (
        "pools",
        "polish",
        "polonais",
        "lehçe",
        "lehce",
        "polski",
        "polsku",
        "poloneză",
        "poloneza",
        "polonă",
        "polona",
        "польська",
        "польською",
        "البولندية",
        "بالبولندية",
        "بالبولندي",
    ),
    "ro": (
        "roemeens",
        "romanian",
        "roumain",
        "rumence",
        "romence",
        "rumuński",
        "rumunski",
        "rumuńsku",
        "rumunsku",
        "română",
        "romana",
        "româna",
        "românește",
        "romaneste",
        "румунська",
        "румунською",
        "الرومانية",
        "بالرومانية",
        "بالروماني",
    ),
    "uk": (
        "oekraïens",
        "oekraiens",
        "ukrainian",
        "ukrainien",
        "ukraynaca",
        "ukraiński",
        "ukrainski",
        "ukraińsku",
        "ukrainsku",
        "ucraineană",
        "ucraineana",
        "ucrainiană",
        "українська",
        "українською",
        "українськи",
        "украинском",
        "الأوكرانية",
        "الاوكرانية",
        "بالأوكرانية",
        "بالاوكرانية",
        "بالأوكراني",
    ),
}
_NAME_TO_LANGUAGE: dict[str, str] = {
    name.lower(): code for code, names in _LANGUAGE_NAMES.items() for name in names
}

#: Every word that may stand around a language name in a request, in the eight languages:
#: "please", "in", "can you", "speak", "write", "answer", "language", greetings. A message
#: counts as a request only when *all* its other words are such words, which keeps
#: "ik heb een Franse verhuurder" and "my landlord is Polish" out.
_REQUEST_WORDS_TEXT = """
    in het de en naar op taal aub alstublieft alsjeblieft asjeblieft asb graag liever kan
    kunt kunnen kunde kunnen mag mogen we wij ik je jij u jullie spreek spreekt spreken
    praat praten schrijf schrijft schrijven antwoord antwoorden verder doen verdergaan
    hallo dag hoi goeiedag alleen liefst het wel ook nog eens
    please pls plz can could would you speak talk write answer reply continue switch
    to language do does in i want would like prefer we let us lets use only hello hi hey
    the yes ok okay who speaks thanks anyone someone is there
    parlez parles parler vous tu est ce que peut peux pouvez on en svp stp sil s il plait
    plaît langue écrire ecrire répondre repondre continuer je veux voudrais préfère prefere
    bonjour salut merci oui qui quelqu un quelquun ici
    lütfen lutfen konuşabilir konusabilir konuşur konusur musunuz misiniz mısınız
    yazabilir yazar mısın misin musun biliyor biliyormusunuz bilen var mı mi dil dilinde
    merhaba selam olur ben istiyorum
    po proszę prosze czy możecie mozecie może moze mówicie mowicie mówisz mowisz pan pani
    pisać pisac pisz rozmawiać rozmawiac język jezyk w dzień dobry dzien cześć czesc chcę
    chce mogę moge
    în vă va rog te puteți puteti puteţi vorbiți vorbiti vorbesti vorbești scrie scrieți
    scrieti limba limbă pe bună buna ziua salut vreau se poate
    будь ласка можна можете ви говорите розмовляєте пишіть писати мовою мова по будьласка
    привіт добрий день хочу я будь-ласка
    من فضلك لو سمحت ممكن تتكلم تتكلمون تحكي تحكو هل اللغة باللغة بليز السلام عليكم مرحبا
    أريد اريد يمكن تكتب اكتب عافاك عفاك واش كتهضر
"""
_REQUEST_WORDS: frozenset[str] = frozenset(_REQUEST_WORDS_TEXT.split())
_MAX_REQUEST_WORDS = 9


def requested_language(text: str) -> str | None:
    """The candidate language ``text`` explicitly asks for, or ``None``.

    Recognises short requests in any of the eight languages ("türkçe lütfen",
    "in het Frans aub", "can you speak ukrainian", "بالعربي من فضلك"): a language name with
    only request words around it. A sentence that merely mentions a nationality is not a
    request.
    """
    words = WORD.findall(unicodedata.normalize("NFC", text).lower())
    if not words or len(words) > _MAX_REQUEST_WORDS:
        return None
    named: set[str] = set()
    for word in words:
        code = _NAME_TO_LANGUAGE.get(word)
        if code is not None:
            named.add(code)
        elif word not in _REQUEST_WORDS:
            return None
    if len(named) != 1:
        return None
    return named.pop()
