"""Billecta's enums, generated from the JSON Schemas' x-enumNames (names and integer codes).

The live API writes enum names in JSON and accepts names or integer codes on input; `coerce`
does both and maps values this version does not know to `Unknown` where the enum has one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class BillectaEnum(StrEnum):
    """A Billecta enum: wire value is the name; `codes()` gives the integer codes."""

    @classmethod
    def codes(cls) -> dict[int, str]:
        return _CODES[cls.__name__]

    @classmethod
    def coerce(cls, value: Any) -> Self:
        if isinstance(value, cls):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            name = cls.codes().get(value)
            if name is not None:
                return cls(name)
        elif isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        if "Unknown" in cls.__members__:
            return cls("Unknown")
        raise ValueError(f"{value!r} is not a valid {cls.__name__}")

    def code(self) -> int:
        return {v: k for k, v in self.codes().items()}[self.value]


class InvoiceStage(BillectaEnum):
    None_ = "None"  # 'None' is a Python keyword
    Created = "Created"
    ReminderInvoiceSent = "ReminderInvoiceSent"
    Manual = "Manual"
    Completed = "Completed"
    Cancelled = "Cancelled"
    InvoiceSent = "InvoiceSent"
    Attested = "Attested"
    SentToDebtCollection = "SentToDebtCollection"
    SalesRequested = "SalesRequested"
    SaleRequestAccepted = "SaleRequestAccepted"
    SalesRequestedCancelled = "SalesRequestedCancelled"
    SalesRequestedDenied = "SalesRequestedDenied"
    Unknown = "Unknown"


class DebtCollectionStage(BillectaEnum):
    None_ = "None"  # 'None' is a Python keyword
    Created = "Created"
    ReminderInvoiceSent = "ReminderInvoiceSent"
    DebtCollectionInvoiceSent = "DebtCollectionInvoiceSent"
    SentToBailiff = "SentToBailiff"
    Manual = "Manual"
    Completed = "Completed"
    Cancelled = "Cancelled"
    ForeignManual = "ForeignManual"
    AwaitingFeePayment = "AwaitingFeePayment"
    Attested = "Attested"
    DebtCollectionClaimDue = "DebtCollectionClaimDue"
    LatePaymentInvoiceSent = "LatePaymentInvoiceSent"
    DebtCollectionClaimResponseRequested = "DebtCollectionClaimResponseRequested"
    ReadyForBailiff = "ReadyForBailiff"
    LongTermSurveilance = "LongTermSurveilance"
    VerdictObtained = "VerdictObtained"
    SentToBailiffEnforcement = "SentToBailiffEnforcement"
    ForeignDebtorLetterSent = "ForeignDebtorLetterSent"
    ForeignCreditorLetterSent = "ForeignCreditorLetterSent"
    EnforcementResponseRequested = "EnforcementResponseRequested"
    ReadyForEnforcement = "ReadyForEnforcement"
    ForeignSentToLocalRepresentative = "ForeignSentToLocalRepresentative"
    ForeignMakeReadyForLocalRepresentative = "ForeignMakeReadyForLocalRepresentative"
    ReadyForAttest = "ReadyForAttest"
    ReadyForAssistance = "ReadyForAssistance"
    ReadyForAssistanceWithBailiff = "ReadyForAssistanceWithBailiff"
    Assisted = "Assisted"
    AssistedWithBailiff = "AssistedWithBailiff"
    Unknown = "Unknown"


class DeliveryMethod(BillectaEnum):
    Email = "Email"
    Mail = "Mail"
    Manually = "Manually"
    SMS = "SMS"
    EInvoice = "EInvoice"
    Kivra = "Kivra"
    Avy = "Avy"
    Unknown = "Unknown"


class DebtorType(BillectaEnum):
    Private = "Private"
    Company = "Company"
    Undefined = "Undefined"


class ProductType(BillectaEnum):
    Service = "Service"
    Commodity = "Commodity"
    Package = "Package"
    VAT = "VAT"
    Unknown = "Unknown"


class UnhandledPaymentType(BillectaEnum):
    UnmatchedPayment = "UnmatchedPayment"
    OverPayment = "OverPayment"
    ManualBalance = "ManualBalance"
    BalanceFromInvoice = "BalanceFromInvoice"


class UnhandledPaymentState(BillectaEnum):
    Unhandled = "Unhandled"
    UsedOnInvoice = "UsedOnInvoice"
    UsedOnInvoiceInOtherCreditor = "UsedOnInvoiceInOtherCreditor"
    Deleted = "Deleted"
    RepaymentPending = "RepaymentPending"
    Repaid = "Repaid"


class EventType(BillectaEnum):
    Created = "Created"
    Attested = "Attested"
    InvoiceSent = "InvoiceSent"
    Paid = "Paid"
    Credited = "Credited"
    InvoiceDue = "InvoiceDue"
    WillBeSentToDebtCollection = "WillBeSentToDebtCollection"
    SentToDebtCollection = "SentToDebtCollection"
    Cancelled = "Cancelled"
    CommentedByDebtor = "CommentedByDebtor"
    CommentedByCreditor = "CommentedByCreditor"
    ReadByUser = "ReadByUser"
    Paused = "Paused"
    Resumed = "Resumed"
    Disputed = "Disputed"
    UnDisputed = "UnDisputed"
    SmsSent = "SmsSent"
    SmsWillBeSent = "SmsWillBeSent"
    DebtCollectionSent = "DebtCollectionSent"
    ManagedForBailiffRegistration = "ManagedForBailiffRegistration"
    WillBeManagedForBailiffRegistration = "WillBeManagedForBailiffRegistration"
    WillSendDebtCollectionInvoice = "WillSendDebtCollectionInvoice"
    WillSendReminderInvoice = "WillSendReminderInvoice"
    OriginalInvoiceDue = "OriginalInvoiceDue"
    ReminderDue = "ReminderDue"
    DebtCollectionDue = "DebtCollectionDue"
    WillSendPartialInvoice = "WillSendPartialInvoice"
    InstallmentPlanPartialInvoiceSent = "InstallmentPlanPartialInvoiceSent"
    Completed = "Completed"
    PartialInvoiceDue = "PartialInvoiceDue"
    ManagedForReturnToDebtCollection = "ManagedForReturnToDebtCollection"
    Updated = "Updated"
    PaymentWillBeMade = "PaymentWillBeMade"
    MadeManual = "MadeManual"
    PaymentCancelled = "PaymentCancelled"
    PaymentSent = "PaymentSent"
    AwatingPaymentAcknowledgment = "AwatingPaymentAcknowledgment"
    ReminderInvoiceSent = "ReminderInvoiceSent"
    WillSendInvoice = "WillSendInvoice"
    Moved = "Moved"
    EmailEvent = "EmailEvent"
    UnAttested = "UnAttested"
    InvoiceSold = "InvoiceSold"
    InvoiceSaleRequestDenied = "InvoiceSaleRequestDenied"
    AwaitingInvoiceSaleRequestResponse = "AwaitingInvoiceSaleRequestResponse"
    InvoiceSaleRequestCancelled = "InvoiceSaleRequestCancelled"
    InvoiceSaleRequested = "InvoiceSaleRequested"
    AutogiroPaymentPostponed = "AutogiroPaymentPostponed"
    AutogiroCancelledWithdrawal = "AutogiroCancelledWithdrawal"
    AutogiroApprovalAdded = "AutogiroApprovalAdded"
    AutogiroApprovalChanged = "AutogiroApprovalChanged"
    AutogiroApprovalRemoved = "AutogiroApprovalRemoved"
    AutogiroWithdrawal = "AutogiroWithdrawal"
    WillSendLatePaymentInvoice = "WillSendLatePaymentInvoice"
    OverPayment = "OverPayment"
    FuturePayment = "FuturePayment"
    EInvoiceRegistered = "EInvoiceRegistered"
    EInvoiceUnregistered = "EInvoiceUnregistered"
    EInvoiceWasRejected = "EInvoiceWasRejected"
    WrittenOff = "WrittenOff"
    LongTermSurveilance = "LongTermSurveilance"
    AppendixAdded = "AppendixAdded"
    AppendixCleared = "AppendixCleared"
    SmsEvent = "SmsEvent"
    InstallmentPlanRequested = "InstallmentPlanRequested"
    SentToBailiff = "SentToBailiff"
    SentToBailiffExecution = "SentToBailiffExecution"
    CreditCardAdded = "CreditCardAdded"
    CreditCardRemoved = "CreditCardRemoved"
    CreditCardWithdrawal = "CreditCardWithdrawal"
    CreditCardCancelledWithdrawal = "CreditCardCancelledWithdrawal"
    VerdictNumberObtained = "VerdictNumberObtained"
    ManagedForBailiffEnforcementRegistration = "ManagedForBailiffEnforcementRegistration"
    PaymentRefunded = "PaymentRefunded"
    MessageSendToSocialWelfare = "MessageSendToSocialWelfare"
    ForeignSentToLocalRepresentative = "ForeignSentToLocalRepresentative"
    ChangedOwner = "ChangedOwner"
    CreditorCommentByAdmin = "CreditorCommentByAdmin"
    ForeignMakeReadyForLocalRepresentative = "ForeignMakeReadyForLocalRepresentative"
    SupplementSentToKFM = "SupplementSentToKFM"
    EInvoiceEvent = "EInvoiceEvent"
    DebtorContractSigned = "DebtorContractSigned"
    DebtorContractSent = "DebtorContractSent"
    DebtorContractArchived = "DebtorContractArchived"
    DebtorContractFinanced = "DebtorContractFinanced"
    FinancierRequested = "FinancierRequested"
    BalanceFromInvoice = "BalanceFromInvoice"
    EvictionMessageSentToDebtor = "EvictionMessageSentToDebtor"
    PaymentInitiated = "PaymentInitiated"
    PaymentAcknowledged = "PaymentAcknowledged"
    ExcludedFromSync = "ExcludedFromSync"
    PublicCommentByAdmin = "PublicCommentByAdmin"
    Archived = "Archived"
    Unknown = "Unknown"


class InterestType(BillectaEnum):
    Fixed = "Fixed"
    AboveEffectiveReference = "AboveEffectiveReference"
    NoInterest = "NoInterest"
    Unknown = "Unknown"


class Language(BillectaEnum):
    SV = "SV"
    EN = "EN"
    FI = "FI"


class ActionType(BillectaEnum):
    DebtCollectionAction = "DebtCollectionAction"
    InstallmentPlanAction = "InstallmentPlanAction"
    InvoiceAction = "InvoiceAction"
    CreditInvoiceAction = "CreditInvoiceAction"
    ContractInvoiceAction = "ContractInvoiceAction"
    SelfInvoiceAction = "SelfInvoiceAction"
    VerificationInvoiceAction = "VerificationInvoiceAction"
    DebentureAction = "DebentureAction"
    InterestInvoiceAction = "InterestInvoiceAction"
    SupplierInvoiceAction = "SupplierInvoiceAction"
    ReconciliationInvoiceAction = "ReconciliationInvoiceAction"
    OrderAction = "OrderAction"
    OrderInvoiceAction = "OrderInvoiceAction"
    PaymentAdviceAction = "PaymentAdviceAction"
    Unknown = "Unknown"


class DebtCollectionLevel(BillectaEnum):
    LatePaymentFee = "LatePaymentFee"
    Reminders = "Reminders"
    DebtCollection = "DebtCollection"
    Bailiff = "Bailiff"
    Unknown = "Unknown"


class OvershootingAmountHandling(BillectaEnum):
    None_ = "None"  # 'None' is a Python keyword
    AsCurrencyDifference = "AsCurrencyDifference"
    AsOverPayments = "AsOverPayments"
    Unknown = "Unknown"


class SwishStatus(BillectaEnum):
    Created = "Created"
    Declined = "Declined"
    Error = "Error"
    Paid = "Paid"
    Cancelled = "Cancelled"
    Refunded = "Refunded"
    Unknown = "Unknown"


class CommentTarget(BillectaEnum):
    Private = "Private"
    ToDebtor = "ToDebtor"
    ToBillecta = "ToBillecta"
    Unknown = "Unknown"


class DeliveryStatus(BillectaEnum):
    Unknown = "Unknown"
    Received = "Received"
    Opened = "Opened"
    Viewed = "Viewed"


class RecordType(BillectaEnum):
    Standard = "Standard"
    Message = "Message"
    Package = "Package"
    Unknown = "Unknown"


class DiscountType(BillectaEnum):
    Amount = "Amount"
    Percentage = "Percentage"
    Unknown = "Unknown"


class ActionSource(BillectaEnum):
    None_ = "None"  # 'None' is a Python keyword
    DebtCollectionAction = "DebtCollectionAction"
    InvoiceAction = "InvoiceAction"
    ReconciliationInvoiceAction = "ReconciliationInvoiceAction"
    Unknown = "Unknown"


class ReferenceType(BillectaEnum):
    None_ = "None"  # 'None' is a Python keyword
    OCR = "OCR"
    Message = "Message"


_CODES: dict[str, dict[int, str]] = {
    "InvoiceStage": {
        0: "None",
        1: "Created",
        2: "ReminderInvoiceSent",
        5: "Manual",
        6: "Completed",
        7: "Cancelled",
        12: "InvoiceSent",
        13: "Attested",
        16: "SentToDebtCollection",
        20: "SalesRequested",
        21: "SaleRequestAccepted",
        22: "SalesRequestedCancelled",
        23: "SalesRequestedDenied",
        -1: "Unknown",
    },
    "DebtCollectionStage": {
        0: "None",
        1: "Created",
        2: "ReminderInvoiceSent",
        3: "DebtCollectionInvoiceSent",
        4: "SentToBailiff",
        5: "Manual",
        6: "Completed",
        7: "Cancelled",
        8: "ForeignManual",
        9: "AwaitingFeePayment",
        13: "Attested",
        14: "DebtCollectionClaimDue",
        24: "LatePaymentInvoiceSent",
        25: "DebtCollectionClaimResponseRequested",
        26: "ReadyForBailiff",
        27: "LongTermSurveilance",
        28: "VerdictObtained",
        29: "SentToBailiffEnforcement",
        30: "ForeignDebtorLetterSent",
        31: "ForeignCreditorLetterSent",
        32: "EnforcementResponseRequested",
        33: "ReadyForEnforcement",
        35: "ForeignSentToLocalRepresentative",
        36: "ForeignMakeReadyForLocalRepresentative",
        37: "ReadyForAttest",
        38: "ReadyForAssistance",
        39: "ReadyForAssistanceWithBailiff",
        40: "Assisted",
        41: "AssistedWithBailiff",
        -1: "Unknown",
    },
    "DeliveryMethod": {
        0: "Email",
        1: "Mail",
        2: "Manually",
        3: "SMS",
        4: "EInvoice",
        5: "Kivra",
        6: "Avy",
        -1: "Unknown",
    },
    "DebtorType": {0: "Private", 1: "Company", -1: "Undefined"},
    "ProductType": {0: "Service", 1: "Commodity", 2: "Package", 3: "VAT", -1: "Unknown"},
    "UnhandledPaymentType": {
        0: "UnmatchedPayment",
        1: "OverPayment",
        2: "ManualBalance",
        3: "BalanceFromInvoice",
    },
    "UnhandledPaymentState": {
        0: "Unhandled",
        1: "UsedOnInvoice",
        2: "UsedOnInvoiceInOtherCreditor",
        4: "Deleted",
        5: "RepaymentPending",
        6: "Repaid",
    },
    "EventType": {
        0: "Created",
        1: "Attested",
        2: "InvoiceSent",
        3: "Paid",
        4: "Credited",
        5: "InvoiceDue",
        6: "WillBeSentToDebtCollection",
        7: "SentToDebtCollection",
        8: "Cancelled",
        9: "CommentedByDebtor",
        10: "CommentedByCreditor",
        11: "ReadByUser",
        12: "Paused",
        13: "Resumed",
        14: "Disputed",
        15: "UnDisputed",
        16: "SmsSent",
        19: "SmsWillBeSent",
        21: "DebtCollectionSent",
        22: "ManagedForBailiffRegistration",
        23: "WillBeManagedForBailiffRegistration",
        24: "WillSendDebtCollectionInvoice",
        25: "WillSendReminderInvoice",
        26: "OriginalInvoiceDue",
        27: "ReminderDue",
        28: "DebtCollectionDue",
        29: "WillSendPartialInvoice",
        30: "InstallmentPlanPartialInvoiceSent",
        31: "Completed",
        32: "PartialInvoiceDue",
        33: "ManagedForReturnToDebtCollection",
        34: "Updated",
        35: "PaymentWillBeMade",
        36: "MadeManual",
        37: "PaymentCancelled",
        38: "PaymentSent",
        39: "AwatingPaymentAcknowledgment",
        41: "ReminderInvoiceSent",
        42: "WillSendInvoice",
        43: "Moved",
        44: "EmailEvent",
        45: "UnAttested",
        46: "InvoiceSold",
        47: "InvoiceSaleRequestDenied",
        49: "AwaitingInvoiceSaleRequestResponse",
        50: "InvoiceSaleRequestCancelled",
        51: "InvoiceSaleRequested",
        52: "AutogiroPaymentPostponed",
        53: "AutogiroCancelledWithdrawal",
        54: "AutogiroApprovalAdded",
        55: "AutogiroApprovalChanged",
        56: "AutogiroApprovalRemoved",
        57: "AutogiroWithdrawal",
        58: "WillSendLatePaymentInvoice",
        59: "OverPayment",
        60: "FuturePayment",
        61: "EInvoiceRegistered",
        62: "EInvoiceUnregistered",
        63: "EInvoiceWasRejected",
        64: "WrittenOff",
        65: "LongTermSurveilance",
        66: "AppendixAdded",
        67: "AppendixCleared",
        68: "SmsEvent",
        69: "InstallmentPlanRequested",
        70: "SentToBailiff",
        71: "SentToBailiffExecution",
        72: "CreditCardAdded",
        73: "CreditCardRemoved",
        74: "CreditCardWithdrawal",
        75: "CreditCardCancelledWithdrawal",
        76: "VerdictNumberObtained",
        77: "ManagedForBailiffEnforcementRegistration",
        78: "PaymentRefunded",
        79: "MessageSendToSocialWelfare",
        80: "ForeignSentToLocalRepresentative",
        81: "ChangedOwner",
        82: "CreditorCommentByAdmin",
        83: "ForeignMakeReadyForLocalRepresentative",
        84: "SupplementSentToKFM",
        85: "EInvoiceEvent",
        86: "DebtorContractSigned",
        87: "DebtorContractSent",
        88: "DebtorContractArchived",
        89: "DebtorContractFinanced",
        90: "FinancierRequested",
        91: "BalanceFromInvoice",
        92: "EvictionMessageSentToDebtor",
        93: "PaymentInitiated",
        94: "PaymentAcknowledged",
        95: "ExcludedFromSync",
        996: "PublicCommentByAdmin",
        998: "Archived",
        1000: "Unknown",
    },
    "InterestType": {0: "Fixed", 1: "AboveEffectiveReference", 2: "NoInterest", -1: "Unknown"},
    "Language": {0: "SV", 1: "EN", 2: "FI"},
    "ActionType": {
        0: "DebtCollectionAction",
        1: "InstallmentPlanAction",
        2: "InvoiceAction",
        3: "CreditInvoiceAction",
        5: "ContractInvoiceAction",
        6: "SelfInvoiceAction",
        7: "VerificationInvoiceAction",
        8: "DebentureAction",
        9: "InterestInvoiceAction",
        10: "SupplierInvoiceAction",
        11: "ReconciliationInvoiceAction",
        12: "OrderAction",
        13: "OrderInvoiceAction",
        14: "PaymentAdviceAction",
        -1: "Unknown",
    },
    "DebtCollectionLevel": {
        0: "LatePaymentFee",
        1: "Reminders",
        2: "DebtCollection",
        3: "Bailiff",
        -1: "Unknown",
    },
    "OvershootingAmountHandling": {0: "None", 1: "AsCurrencyDifference", 2: "AsOverPayments", -1: "Unknown"},
    "SwishStatus": {
        0: "Created",
        1: "Declined",
        2: "Error",
        3: "Paid",
        4: "Cancelled",
        5: "Refunded",
        -1: "Unknown",
    },
    "CommentTarget": {0: "Private", 1: "ToDebtor", 2: "ToBillecta", -1: "Unknown"},
    "DeliveryStatus": {0: "Unknown", 1: "Received", 2: "Opened", 3: "Viewed"},
    "RecordType": {0: "Standard", 1: "Message", 2: "Package", -1: "Unknown"},
    "DiscountType": {0: "Amount", 1: "Percentage", -1: "Unknown"},
    "ActionSource": {
        0: "None",
        1: "DebtCollectionAction",
        2: "InvoiceAction",
        3: "ReconciliationInvoiceAction",
        -1: "Unknown",
    },
    "ReferenceType": {0: "None", 1: "OCR", 2: "Message"},
}
