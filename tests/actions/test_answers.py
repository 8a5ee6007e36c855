"""Reading typed intake answers."""

from __future__ import annotations

import pytest

from actions.answers import (
    euros_in_text,
    months_in_text,
    named_rent_months,
    read_arrears,
    read_dont_know,
    read_help_involved,
    read_yes_no,
    rent_in_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", True),
        ("Ja hoor", True),
        ("oui", True),
        ("ouais d'accord", True),
        ("yes please", True),
        ("klopt", True),
        ("nee", False),
        ("neen", False),
        ("non", False),
        ("nope", False),
        ("geen", False),
        ("misschien", None),
        ("ja nee", None),
        ("🙂", None),
        ("", None),
    ],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert read_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "months", "euros"),
    [
        ("2", 2.0, None),
        ("0.5", 0.5, None),
        ("2 maanden", 2.0, None),
        ("drie maand", 3.0, None),
        ("anderhalve maand", 1.5, None),
        ("deux mois", 2.0, None),
        ("3 months", 3.0, None),
        ("900 euro", None, 900.0),
        ("€ 1.250,50", None, 1250.5),
        ("1,900 euros", None, 1900.0),
        ("1,250.50 euro", None, 1250.5),
        ("1500 euros en 2 maanden", 2.0, 1500.0),
        ("geen idee", None, None),
        ("750", None, 750.0),  # more than 60 cannot be months
    ],
)
def test_arrears(text: str, months: float | None, euros: float | None) -> None:
    assert read_arrears(text) == (months, euros)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("ik heb 2 maanden huurachterstand", 2.0),
        ("binnen 2 maanden moet ik eruit", None),
        ("il y a 3 mois que j'ai reçu la lettre", None),
        ("in 2 months the lease ends", None),
        ("3 maanden geleden verhuisd", None),
        ("behind 1 month, maybe 2 months soon", 2.0),
    ],
)
def test_months_of_debt_in_a_sentence(text: str, months: float | None) -> None:
    assert months_in_text(text) == months


def test_euros_in_a_sentence() -> None:
    assert euros_in_text("ik moet nog 1.800 euro betalen, de huur is 600 €") == 1800.0
    assert euros_in_text("geen bedrag") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OCMW", "ocmw"),
        ("het cpas", "ocmw"),
        ("CAW", "caw"),
        ("OCMW en CAW", "ocmw_and_caw"),
        ("allebei", "ocmw_and_caw"),
        ("geen", "none"),
        ("niemand", "none"),
        ("nee", "none"),
        ("mijn zus helpt", "other"),
    ],
)
def test_help_involved(text: str, expected: str) -> None:
    assert read_help_involved(text) == expected


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("ik heb de huur van oktober en november nog niet betaald", 2),
        ("le loyer d'octobre et de novembre", 2),
        ("rent for september, october and november unpaid", 3),
        ("brief van 3 november", None),  # a date, not a rent month
        ("op 3 december en 14 januari", None),
        ("de huur van november", None),  # one month name alone says too little
    ],
)
def test_named_rent_months(text: str, count: int | None) -> None:
    assert named_rent_months(text) == count


@pytest.mark.parametrize(
    ("text", "rent"),
    [
        ("1500 euro achterstand en mijn huur is 750 per maand", 750.0),
        ("je dois 1950 euros au proprio, mon loyer est de 650", 650.0),
        ("I owe 1800 euros, rent is 900 a month", 900.0),
        ("de huur stijgt in 2027", None),
        ("de huur van 2000 euro", 2000.0),
        ("mijn huur is te hoog", None),
        ("rent is 12", None),
    ],
)
def test_rent_in_a_sentence(text: str, rent: float | None) -> None:
    assert rent_in_text(text) == rent


# ------------------------------------------------ tr, ar, pl, ro, uk and don't know


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # tr
        ("evet", True),
        ("tamam", True),
        ("hayır", False),
        ("yok", False),
        ("kesinlikle hayır", False),  # "kesinlikle" (certainly) is inside the no
        ("bilmiyorum", None),
        ("emin değilim", None),  # "değil" (not) is inside the don't know
        # ar
        ("نعم", True),
        ("ايوه", True),
        ("واخا", True),
        ("لا", False),
        ("لأ", False),
        ("مش موافق", False),
        ("لا أعرف", None),  # contains "لا" (no)
        ("مش عارف", None),
        # pl
        ("tak", True),
        ("tak, oczywiście", True),
        ("nie", False),
        ("nie wiem", None),
        ("nie jestem pewna", None),
        # ro: "da"/"nu" are also Flemish chat words
        ("da", True),
        ("da, vă rog", True),
        ("nu", False),
        ("nu se poate", False),  # not the "se poate" (it can) inside
        ("nu știu", None),
        ("nu stiu", None),
        ("ja nu", True),  # Dutch: "yes, now"
        ("nee da wil ik niet", False),  # Dutch: "no, that I don't want"
        # uk
        ("так", True),
        ("звісно", True),
        ("ні", False),
        ("не згоден", False),  # not the "згоден" (agree) inside
        ("не знаю", None),
        # nl/fr/en "I don't know" contains a no word but is no answer
        ("ik weet het niet", None),
        ("je ne sais pas", None),
        ("I don't know", None),
    ],
)
def test_yes_no_in_every_language(text: str, expected: bool | None) -> None:
    assert read_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bilmiyorum", True),
        ("لا أعرف", True),
        ("nie wiem", True),
        ("nu știu", True),
        ("не знаю", True),
        ("weet niet", True),
        ("ja", False),
        ("nie", False),
        ("nu", False),
        ("", False),
    ],
)
def test_dont_know(text: str, expected: bool) -> None:
    assert read_dont_know(text) is expected


@pytest.mark.parametrize(
    ("text", "months"),
    [
        # digits and number words, in every lexicon language
        ("am 2 luni de chirie neplătită", 2.0),
        ("datorez două luni de chirie", 2.0),
        ("o lună", 1.0),
        ("3 aylık kira borcum var", 3.0),
        ("iki ay borcum var", 2.0),
        ("iki buçuk ay borç", 2.5),
        ("zalegam 2 miesiące", 2.0),
        ("trzy miesiące czynszu", 3.0),
        ("półtora miesiąca", 1.5),
        ("три місяці не платив", 3.0),
        ("борг за два місяці", 2.0),
        ("متأخر شهرين في الإيجار", 2.0),  # the dual: two months
        ("متأخر بشهرين", 2.0),
        ("عندي ٣ أشهر إيجار", 3.0),  # Arabic-Indic digit
        ("ثلاثة أشهر", 3.0),
        # delays are not debts
        ("peste 2 luni", None),
        ("2 ay sonra", None),
        ("2 miesiące temu", None),
        ("za 2 miesiące muszę się wyprowadzić", None),
        ("czynsz za 2 miesiące", 2.0),  # but "rent for 2 months" is
        ("через 2 місяці", None),
        ("بعد شهرين", None),
    ],
)
def test_months_of_debt_in_every_language(text: str, months: float | None) -> None:
    assert months_in_text(text) == months


@pytest.mark.parametrize(
    ("text", "months", "euros"),
    [
        ("datorez doua luni de chirie, cam 1400 de euro", 2.0, 1400.0),
        ("900 avro borcum var", None, 900.0),
        ("علي تلات شهور، يعني 2400 اورو", 3.0, 2400.0),
        ("jestem winna 900 euro", None, 900.0),
        ("я винна за три місяці, 2400 євро", 3.0, 2400.0),
        ("٢", 2.0, None),  # a bare Arabic-Indic number is months
    ],
)
def test_arrears_in_every_language(text: str, months: float | None, euros: float | None) -> None:
    assert read_arrears(text) == (months, euros)
