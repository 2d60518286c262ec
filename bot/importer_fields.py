"""Column checks for file imports (bot.importer): one parser per kind of value, and the columns of
each record type.

A parser takes the column name, the raw value (CSV text, or a JSON string/number/bool) and the
record's country (org_no, zip_code and phone are checked the Swedish way when it is SE) and
returns the value to store, or raises FieldError with plain English naming the column and value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import phonenumbers
from stdnum import luhn
from stdnum.se import orgnr, personnummer

from bot.money import CURRENCY_DECIMALS, AmbiguousAmount, MoneyError, parse_decimal


class FieldError(ValueError):
    """One bad value; the message is shown to the user as it is."""


Parser = Callable[[str, Any, "str | None"], Any]

MAX_ID = 2**63 - 1  # SQLite's INTEGER
MAX_MONEY = Decimal(10) ** 12
MAX_NUMBER = Decimal(10) ** 15
VAT_RATES = (0, 6, 12, 25)
TRUE_WORDS = {"true", "yes", "1", "ja", "y", "j"}
FALSE_WORDS = {"false", "no", "0", "nej", "n"}
COUNTRY_CODES = frozenset(re.findall(r"[A-Z]{2}", """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW"""))
_EMAIL = re.compile(r"[^@\s]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}")


def shown(raw: Any) -> str:
    """A value as the user typed it, quoted, for messages."""
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, (str, int, Decimal)):
        text = str(raw).strip()
    else:
        text = json.dumps(raw, default=str, ensure_ascii=False)
    return f"'{text if len(text) <= 60 else text[:57] + '...'}'"


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# -- scalar parsers -----------------------------------------------------------------------------
def text(column: str, raw: Any, country: str | None = None) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise FieldError(f"{column} {shown(raw)} must be text")


def whole(column: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)) \
            or not re.fullmatch(r"[+-]?\d+", str(raw).strip()):
        raise FieldError(f"{column} {shown(raw)} is not a whole number")
    return int(str(raw).strip())


def ident(column: str, raw: Any, country: str | None = None) -> int:
    value = whole(column, raw)
    if not 0 < value <= MAX_ID:
        raise FieldError(f"{column} {shown(raw)} must be a positive whole number")
    return value


def int_range(low: int, high: int) -> Parser:
    def parse(column: str, raw: Any, country: str | None = None) -> int:
        value = whole(column, raw)
        if not low <= value <= high:
            raise FieldError(f"{column} {shown(raw)} must be between {low} and {high}")
        return value
    return parse


def number(column: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise FieldError(f"{column} {shown(raw)} is not a number")
    try:
        value = parse_decimal(raw, field=column)
    except AmbiguousAmount as exc:  # '1,250': a thousand times apart, so say why rather than guess
        raise FieldError(str(exc)) from None
    except MoneyError:
        raise FieldError(f"{column} {shown(raw)} is not a number") from None
    if abs(value) >= MAX_NUMBER:
        raise FieldError(f"{column} {shown(raw)} is too large")
    if value != 0 and int(value.normalize().as_tuple().exponent) < -6:
        raise FieldError(f"{column} {shown(raw)} has more than 6 decimals")
    return value


def plain(value: Decimal) -> str:
    """Canonical text of a non-money decimal: '2.50' -> '2.5', '1E+1' -> '10'."""
    return "0" if value == 0 else format(value.normalize(), "f")


def money(column: str, raw: Any, country: str | None = None) -> str:
    """An amount in major units with at most 2 decimals, stored as '1150.00'."""
    value = number(column, raw)
    if abs(value) >= MAX_MONEY:
        raise FieldError(f"{column} {shown(raw)} is too large")
    rounded = value.quantize(Decimal("0.01"))
    if rounded != value:
        raise FieldError(f"{column} {shown(raw)} has more than 2 decimals")
    return format(abs(rounded) if rounded == 0 else rounded, "f")


def non_negative_money(column: str, raw: Any, country: str | None = None) -> str:
    value = money(column, raw)
    if value.startswith("-"):
        raise FieldError(f"{column} {shown(raw)} must not be negative")
    return value


def non_negative(column: str, raw: Any, country: str | None = None) -> str:
    value = number(column, raw)
    if value < 0:
        raise FieldError(f"{column} {shown(raw)} must not be negative")
    return plain(value)


def positive(column: str, raw: Any, country: str | None = None) -> str:
    value = number(column, raw)
    if value <= 0:
        raise FieldError(f"{column} {shown(raw)} must be greater than 0")
    return plain(value)


def vat_rate(column: str, raw: Any, country: str | None = None) -> str:
    bare = raw.strip().removesuffix("%") if isinstance(raw, str) else raw
    message = f"{column} {shown(raw)} must be one of 0, 6, 12 or 25 (the Swedish VAT rates)"
    try:
        value = number(column, bare)
    except FieldError:
        raise FieldError(message) from None
    if value not in VAT_RATES:
        raise FieldError(message)
    return str(int(value))


def choice(*options: str) -> Parser:
    canonical = {option.lower(): option for option in options}

    def parse(column: str, raw: Any, country: str | None = None) -> str:
        value = canonical.get(text(column, raw).lower())
        if value is None:
            raise FieldError(f"{column} {shown(raw)} must be one of {', '.join(options)}")
        return value
    return parse


def boolean(column: str, raw: Any, country: str | None = None) -> int:
    word = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
    if word in TRUE_WORDS:
        return 1
    if word in FALSE_WORDS:
        return 0
    raise FieldError(f"{column} {shown(raw)} must be true or false (yes/no, ja/nej and 1/0 work too)")


def email(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw)
    if not _EMAIL.fullmatch(value):
        raise FieldError(f"{column} {shown(raw)} is not a valid e-mail address")
    return value


def phone(column: str, raw: Any, country: str | None = None) -> str:
    """E.164: '+46701234567'. A national number ('070-123 45 67') is read in the record's country."""
    typed = text(column, raw)
    compact = re.sub(r"[\s\-()./]", "", typed.replace("(0)", ""))
    international = compact.startswith(("+", "00"))
    if not international and compact.startswith("0") and country is None:
        return compact  # the country is unknown (and reported): nothing to read the number against
    number = _parse_phone("+" + compact[2:] if compact.startswith("00") else typed,
                          None if international else country)
    if number is not None:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not international and compact.startswith("0") and country != "SE":
        raise FieldError(f"{column} {shown(raw)} needs a + and the country code (the country is {country})")
    raise FieldError(f"{column} {shown(raw)} is not a phone number (e.g. 070-123 45 67 or +46701234567)")


def _parse_phone(typed: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """The number if phonenumbers knows it as a valid number (its length and ranges for the country)."""
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def swish_number(typed: str) -> str:
    """A Swedish mobile number as Swish takes a payer's alias: '46701234567' (country code, no + or 0).

    Swish works with Swedish mobile numbers only, so a landline or a foreign number is refused here
    rather than by Swish after the request was sent.
    """
    number = _parse_phone(typed.strip(), "SE")
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if number is None or number.country_code != 46 or phonenumbers.number_type(number) not in mobile:
        raise FieldError(f"{shown(typed)} is not a Swedish mobile number; Swish needs one (e.g. 070-123 45 67)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).removeprefix("+")


def org_no(column: str, raw: Any, country: str | None = None) -> str:
    """A Swedish organisation or personal number: shape, Luhn check digit and, for a 12-digit personal
    number, a real date of birth (python-stdnum); numbers of other countries are kept as typed."""
    value = text(column, raw)
    if country != "SE":
        return value
    match = re.fullmatch(r"(\d{2})?(\d{6})-?(\d{4})", value)
    if not match:
        raise FieldError(f"{column} {shown(raw)} is not a Swedish organisation or personal number "
                         "(NNNNNN-NNNN, or YYYYMMDD-NNNN)")
    ten = match[2] + match[3]
    if not luhn.is_valid(ten):
        raise FieldError(f"{column} {shown(raw)} has a wrong check digit (the last digit should be "
                         f"{luhn.calc_check_digit(ten[:9])})")
    century = match[1]
    # Twelve digits: a personal number with its century, or an organisation number written with '16'.
    if century and not (personnummer.is_valid(value) or (century == "16" and orgnr.is_valid(ten))):
        raise FieldError(f"{column} {shown(raw)} is not a personal number: {value[:8]} is not a date of birth")
    return value


def zip_code(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw)
    if country != "SE":
        return value
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{5}", digits):
        raise FieldError(f"{column} {shown(raw)} must be 5 digits for a Swedish address (e.g. 111 22)")
    return digits


def country_code(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw).upper()
    if value not in COUNTRY_CODES:
        raise FieldError(f"{column} {shown(raw)} is not an ISO country code (two letters: SE, NO, DE, …)")
    return value


def iso_date(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FieldError(f"{column} {shown(raw)} is not a date in the form YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{column} {shown(raw)} is not a real date") from None
    return value


def currency(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw).upper()
    if value not in CURRENCY_DECIMALS:
        raise FieldError(f"{column} {shown(raw)} is not a supported currency ({', '.join(CURRENCY_DECIMALS)})")
    return value


def bankgiro(column: str, raw: Any, country: str | None = None) -> str:
    value = text(column, raw)
    digits = value.replace("-", "").replace(" ", "")
    if not re.fullmatch(r"\d{7,8}", digits):
        raise FieldError(f"{column} {shown(raw)} is not a bankgiro number (NNN-NNNN or NNNN-NNNN)")
    if not luhn.is_valid(digits):
        raise FieldError(f"{column} {shown(raw)} has a wrong check digit")
    return value


def vat_number(column: str, raw: Any, country: str | None = None) -> str:
    value = re.sub(r"[\s.-]", "", text(column, raw)).upper()
    if value.startswith("SE") and not re.fullmatch(r"SE\d{10}01", value):
        raise FieldError(f"{column} {shown(raw)} is not a Swedish VAT number (SE + 10 digits + 01)")
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,13}", value):
        raise FieldError(f"{column} {shown(raw)} is not a VAT number (e.g. SE556677889901)")
    return value


# -- the columns of each record type ------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    parse: Parser
    required: bool = False
    default: Any = None
    refers_to: str | None = None  # a source table the value must exist in


DELIVERY_METHODS = choice("Email", "Mail", "Manually", "SMS", "EInvoice", "Kivra")
TERMS = int_range(0, 365)

SCHEMAS: dict[str, dict[str, Column]] = {
    "article": {
        "id": Column(ident, True), "name": Column(text, True), "article_number": Column(text),
        # A negative price belongs on a credit, not on an article every invoice line would copy.
        "unit_price": Column(non_negative_money, True), "vat_rate": Column(vat_rate, default="25"),
        "unit": Column(text), "product_type": Column(choice("Service", "Commodity", "Package"),
                                                     default="Service"),
        "is_active": Column(boolean, default=1),
    },
    "debtor": {
        "id": Column(ident, True), "name": Column(text, True), "org_no": Column(org_no),
        "debtor_type": Column(choice("Private", "Company"), default="Company"), "email": Column(email),
        "phone": Column(phone), "address": Column(text), "zip_code": Column(zip_code),
        "city": Column(text), "country_code": Column(country_code, default="SE"),
        "contact_name": Column(text),
    },
    "creditor": {
        "id": Column(ident, True), "name": Column(text, True), "org_no": Column(org_no),
        "vat_number": Column(vat_number), "address": Column(text), "zip_code": Column(zip_code),
        "city": Column(text), "country_code": Column(country_code, default="SE"),
        "phone": Column(phone), "email": Column(email), "bankgiro": Column(bankgiro),
        "reminder_fee": Column(non_negative_money), "payment_terms_days": Column(TERMS),
        "interest_percentage": Column(non_negative), "delivery_method": Column(DELIVERY_METHODS),
        "our_reference": Column(text),
    },
    "order": {
        "id": Column(ident, True), "debtor_id": Column(ident, True, refers_to="debtor"),
        "order_date": Column(iso_date, True), "payment_terms_days": Column(TERMS, default=30),
        "our_reference": Column(text), "your_reference": Column(text),
        "delivery_method": Column(DELIVERY_METHODS), "currency": Column(currency, default="SEK"),
    },
    "orderrow": {
        "id": Column(ident, True), "order_id": Column(ident, True, refers_to="order"),
        "article_id": Column(ident, refers_to="article"), "quantity": Column(positive, True),
        "unit_price": Column(money), "vat_rate": Column(vat_rate), "description": Column(text),
    },
}
