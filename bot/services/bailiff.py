"""Send a debt-collection case to the bailiff (command 22, `debtcollection bailiff <id> option=`).

The seed's two options, one Billecta call each: `bailiff` (`PUT /v1/debtcollection/SendToBailiff/{aid}`,
an application to Kronofogden for a payment order) and `eviction` (`PUT
/v1/debtcollection/SendToAssistanceWithBailiff/{aid}`, eviction together with the bailiff). Only a case
Billecta has readied for the bailiff takes either (`CanSendToBailiff`; eviction also from
ReadyForAssistanceWithBailiff); `prepare` refuses before the form otherwise, naming what applies. The
write runs once (`once.send`); `find_sent` settles a lost reply from the case's stage.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.enums import DebtCollectionStage
from bot.billecta.models import DebtCollectionActionView
from bot.forms import validate_form
from bot.money import format_amount
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome
from bot.services.cases import after_change, fresh_case, owed, refusal, stage_of
from bot.services.labels import label

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Kronofogden's application fee for a payment order or for eviction (SFS 1992:1094), paid up front and
# added to what the debtor owes.
KRONOFOGDEN_FEE_MINOR = 30_000


class BailiffOption(StrEnum):
    BAILIFF = "bailiff"
    EVICTION = "eviction"


# (title, one line on what it does) per option, as the modal and `--help` say them.
OPTION_WORDS: dict[BailiffOption, tuple[str, str]] = {
    BailiffOption.BAILIFF: ("Send to the bailiff", "Kronofogden orders payment, a legal process; "
                            f"{format_amount(KRONOFOGDEN_FEE_MINOR, 'SEK')} fee on the claim"),
    BailiffOption.EVICTION: ("Eviction and bailiff", "Kronofogden evicts, collects: a legal process; "
                             f"{format_amount(KRONOFOGDEN_FEE_MINOR, 'SEK')} fee on the claim"),
}
_STAGE_AFTER = {BailiffOption.BAILIFF: DebtCollectionStage.SentToBailiff,
                BailiffOption.EVICTION: DebtCollectionStage.AssistedWithBailiff}


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("bailiff_form", "{message}", {"message": message})


class BailiffForm(BaseModel):
    """The option chosen in the modal (block id `option`) or on the CLI (`option=bailiff|eviction`).
    Validated with `context=prepare(...)`, whose `options` are those the case's stage takes."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("option",)

    option: BailiffOption = Field(title="Option", description="bailiff: a payment order from Kronofogden; "
                                  "eviction: eviction and the bailiff together",
                                  json_schema_extra={"choices": [o.value for o in BailiffOption]})

    @model_validator(mode="before")
    @classmethod
    def _present(cls, data: Any) -> Any:
        return {"option": None, **data} if isinstance(data, dict) else data

    @field_validator("option", mode="before")
    @classmethod
    def _option(cls, value: Any, info: ValidationInfo) -> BailiffOption:
        text = str(value or "").strip().lower()
        if not text:
            raise _error("Choose bailiff or eviction.")
        try:
            option = BailiffOption(text)
        except ValueError:
            raise _error(f"One of bailiff, eviction, not {text!r}.") from None
        context = info.context if isinstance(info.context, dict) else {}
        allowed = context.get("options")
        if allowed is not None and option.value not in allowed:
            raise _error(f"Billecta does not allow {OPTION_WORDS[option][0].lower()} for this case now; "
                         f"it takes {', '.join(allowed) or 'neither'}.")
        return option

    def confirmation(self, currency: str | None) -> str:
        return OPTION_WORDS[self.option][0].lower()

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> BailiffForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, BailiffForm)
        return form


def allowed_options(view: DebtCollectionActionView) -> list[str]:
    options = []
    if view.can_send_to_bailiff:
        options.append(BailiffOption.BAILIFF.value)
    if view.can_send_to_bailiff or view.state.stage is DebtCollectionStage.ReadyForAssistanceWithBailiff:
        options.append(BailiffOption.EVICTION.value)
    return options


def _checked(rt: Runtime, record: dict[str, Any], option: BailiffOption | None = None) -> DebtCollectionActionView:
    view = fresh_case(rt, record)
    options = allowed_options(view)
    ok = bool(options) if option is None else option.value in options
    found = refusal(view, label("debtcollection", record), "bailiff", ok,
                    "only a case Billecta has readied for the bailiff (its claim fell due unpaid and was not "
                    "disputed) can be sent there.")
    if found is not None:
        raise found
    return view


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The case's stage, what it owes and the options its stage takes, read fresh; refuses before the form."""
    view = _checked(rt, record)
    return {"record": label("debtcollection", record), "stage": stage_of(view), "owed": owed(view),
            "remaining": owed(view), "options": allowed_options(view),
            "debtor": view.debtor.name if view.debtor else record.get("debtor_name")}


def send_to_bailiff(rt: Runtime, record: dict[str, Any], form: BailiffForm, actor: Actor, once: Once) -> Outcome:
    name = label("debtcollection", record)
    view = _checked(rt, record, form.option)
    aid = view.action_public_id
    call = rt.billecta.send_to_bailiff if form.option is BailiffOption.BAILIFF else \
        rt.billecta.send_to_assistance_with_bailiff
    title = OPTION_WORDS[form.option][0].lower()
    once.send(lambda: call(aid), f"{title} for {name}", facts={"option": form.option.value})
    outcome = after_change(rt, record, view, _done(name, form.option, view))
    outcome.details["option"] = form.option.value
    return outcome


def _done(name: str, option: BailiffOption, view: DebtCollectionActionView) -> str:
    what = "sent to the bailiff (Kronofogden) for a payment order" if option is BailiffOption.BAILIFF \
        else "sent to Kronofogden for eviction and the bailiff"
    return (f"{name[:1].upper()}{name[1:]} is {what}: a legal process has started; "
            f"{owed(view)} is claimed, plus Kronofogden's {format_amount(KRONOFOGDEN_FEE_MINOR, 'SEK')} fee.")


def find_sent(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the case went to the bailiff: its stage is the one the chosen option leads to."""
    option = once.facts.get("option")
    if option not in {o.value for o in BailiffOption}:
        return None
    view = fresh_case(rt, record)
    if view.state.stage is not _STAGE_AFTER[BailiffOption(option)]:
        return None
    return Found(_done(label("debtcollection", record), BailiffOption(option), view), {"option": option,
                                                                                     "stage": view.state.stage.value})
