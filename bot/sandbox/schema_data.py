"""Field specs of the Billecta models the sandbox reads and writes, generated from the JSON
Schemas by tests/wire_schemas.py (a test keeps them equal). Codes: see shapes.py."""

MODELS: dict[str, str] = {
    "AmountView": "CurrencyCode:s? Value:i ValueForView:n",
    "AutogiroWithdrawalView": "AutogiroWithdrawalEnabled:b",
    "CommentActionView": (
        "ActionPublicId:s? Comment:s? Attachment:o?:FileView Target:e:CommentTargetTypeView"
    ),
    "CommonActionEventView": (
        "Title:s? Content:s? EventDate:t EventBy:s? Reference:s? EventType:e:EventTypeView IsPublic:b "
        "HasOccured:b EventPublicId:g CreditorPublicId:g ActionPublicId:s? ActionType:e:ActionTypeView"
    ),
    "CreatedView": "PublicId:s?",
    "CreditActionView": (
        "ActionPublicId:s? Value:o?:AmountView InvoiceInterest:b Comment:s? IsPaymentCreditation:b "
        "PaymentMeanCode:s? PaymentDate:t?"
    ),
    "CreditCardWithdrawalView": "CreditCardWithdrawalEnabled:b",
    "CreditingInvoiceView": "SourcePublicId:s? SourceInvoiceId:s?",
    "CreditorBankInfoView": (
        "UsesClientFund:b PaymentMethod:e:CreditorPaymentMethodTypeView BankgiroNo:s? PlusgiroNo:s? "
        "AccountNo:s? ClearingNo:s? EInvoiceFUI:s? EInvoiceCUI:s? "
        "ForeignAccounts:a?:o:CreditorForeignAccountView "
        "CreditorOutgoingBankgiroes:a?:o:CreditorOutgoingBankgiroView "
        "PaymentMethods:a?:o:CreditorPaymentMethodView"
    ),
    "CreditorClaimsContactView": "FirstName:s? LastName:s? Email:s? Phone:s?",
    "CreditorContactView": "FirstName:s? LastName:s? Email:s? Phone:s?",
    "CreditorForeignAccountView": "CurrencyCode:s? BankName:s? Iban:s? Bic:s?",
    "CreditorInvoiceAddressView": (
        "Address:s? Address2:s? ZipCode:s? City:s? CountryCode:s? Email:s? "
        "DeliveryMethod:e:DeliveryMethodTypeView"
    ),
    "CreditorOutgoingBankgiroView": (
        "BankgiroNo:s? IsActive:b BankgiroApproved:b Description:s? BookkeepingPaymentMeanCode:s?"
    ),
    "CreditorPaymentMethodView": (
        "Priority:e:CreditorPaymentMethodPriorityTypeView PaymentMethod:e:CreditorPaymentMethodTypeView "
        "BankgiroNo:s? PlusgiroNo:s? ClearingNo:s? AccountNo:s? IBAN:s? BIC:s? Verified:b"
    ),
    "CreditorSignatoryContactView": "FirstName:s? LastName:s? Email:s? Phone:s?",
    "CreditorView": (
        "CreditorPublicId:g OrgNo:s? Name:s? CreditorBankInfo:o?:CreditorBankInfoView Attention:s? "
        "CareOf:s? Address:s? Address2:s? ZipCode:s? City:s? CountryCode:s? Phone:s? VatNumber:s? "
        "Residence:s? ApprovedCompanyTax:b? GiveAllUsersFullRightsOnCreditor:b? GLN:s? "
        "CreditorContact:o?:CreditorContactView CreditorClaimsContact:o?:CreditorClaimsContactView "
        "CreditorSignatoryContact:o?:CreditorSignatoryContactView "
        "CreditorInvoiceAddress:o?:CreditorInvoiceAddressView IsEnabled:b NextInvoiceNumber:s? LogoURL:s? "
        "UseCentRounding:b UsesClientFundForInvoicing:b"
    ),
    "CurrencyView": "Decimals:i CurrencyCode:s? Iso4217:s? Description:s? OneUnit:i",
    "DebtCollectionActionEventView": (
        "Title:s? Content:s? EventDate:t EventBy:s? Reference:s? EventType:e:EventTypeView IsPublic:b "
        "HasOccured:b EventPublicId:g"
    ),
    "DebtCollectionActionInvoiceView": (
        "InvoiceDate:t DueDate:t InvoiceNumber:s? InvoiceDecription:s? PaymentTermsInDays:i "
        "InterestTermsInDays:i InterestPercentage:n InterestType:e:InterestTypeView OurReference:s? "
        "YourReference:s? Name:s? Address:s? Address2:s? ZipCode:s? City:s? CountryCode:s? "
        "InvoicedAmount:o?:AmountView InvoiceFile:o?:FileView OCR:s?"
    ),
    "DebtCollectionActionStateView": (
        "Stage:e:DebtCollectionActionStageTypeView NumberOfSentInvoiceReminders:i "
        "DebtCollectionInvoiceSentDate:t? LatePaymentInvoiceSentDate:t? SentToBailiffDate:t? "
        "SentToBailiffEnforcementDate:t? NextEventDate:t? ClosedDate:t? NextEvent:s? IsPaused:b "
        "DisputedDate:t? AttestedDate:t? HasPreviouslyBeenSentToInstallmentPlan:b"
    ),
    "DebtCollectionActionView": (
        "ActionPublicId:s? Created:t CreditorPublicId:g Debtor:o?:DebtorView "
        "DeliveryMethod:e:DeliveryMethodTypeView CommunicationLanguage:e:LanguageTypeView "
        "ReasonDescription:s? NumberOfReminders:i "
        "StartDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "EndDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView OriginalInvoiceDate:t "
        "OriginalDueDate:t OriginalInvoiceNumber:s? OriginalAmount:o?:AmountView "
        "OriginalInvoiceFile:o?:FileView PaymentTermsInDays:i InterestTermsInDays:i InterestPercentage:n "
        "InterestType:e:InterestTypeView OurReference:s? YourReference:s? "
        "InterestStartInDaysAfterDueDate:i ReasonForHigherInterest:s? DebtAmount:o?:AmountView "
        "FeeAmount:o?:AmountView InterestAmount:o?:AmountView CurrentAmount:o?:AmountView "
        "State:o?:DebtCollectionActionStateView Invoices:a?:o:DebtCollectionActionInvoiceView "
        "InstallmentPlanPublicId:s? InvoiceSourcePublicId:s? "
        "DebtCollectionActionSource:e:ActionSourceTypeView "
        "DeliveryAddressOverride:o?:DeliveryAddressOverrideView Events:a?:o:DebtCollectionActionEventView "
        "CanCancel:b CanCredit:b CanSendToBailiff:b CanSendToBailiffEnforcement:b "
        "CanSendToLongTermSurveilance:b CanPostpone:b CanCreateInstallmentPlan:b CanDisputeAction:b"
    ),
    "DebtCollectionDetailsView": (
        "SendToDebtCollection:b StartDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "EndDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView NumberOfReminders:i "
        "DaysDelayAfterDueDate:i PaymentTermsInDays:i Eviction:b InformSocialWelfare:b"
    ),
    "DebtCollectionFromInvoiceEntryView": (
        "SourcePublicId:s? DeliveryMethod:e:DeliveryMethodTypeView "
        "CommunicationLanguage:e:LanguageTypeView ReasonDescription:s? NumberOfReminders:i "
        "StartDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "EndDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView PaymentTermsInDays:i "
        "InterestPercentage:n InterestType:e?:InterestTypeView OurReference:s? YourReference:s? "
        "InterestStartInDaysAfterDueDate:i ReasonForHigherInterest:s? "
        "DeliveryAddressOverride:o?:DeliveryAddressOverrideView PaymentOverride:o?:PaymentOverrideView "
        "Eviction:b InformSocialWelfare:b"
    ),
    "DebtorAutogiroView": (
        "Active:b AccountNo:s? ClearingNo:s? Stage:e:AutogiroStageTypeView PayerNumber:s? "
        "PaymentServiceSupplier:s? AutogiroFirstWithdrawalDate:t?"
    ),
    "DebtorCreditCardView": "CreditCardPublicId:g Created:t Expires:t MaskedCardNumber:s? Brand:s?",
    "DebtorDefaultActionConfigView": (
        "ActivateDefaultActionConfigOverride:b "
        "StartDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "EndDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "DeliveryMethod:e:DeliveryMethodTypeView CommunicationLanguage:e:LanguageTypeView "
        "PaymentTermsInDays:i DebtCollectionPaymentTermsInDays:i InterestTermsInDays:i "
        "InterestPercentage:n InvoicePaymentTermsInDays:i InterestType:e:InterestTypeView "
        "InterestStartInDaysAfterDueDate:i ReasonForHigherInterest:s? OurReference:s? NumberOfReminders:i "
        "CurrencyCode:s? SendInvoiceToDebtCollectionAfterDays:i SendInvoiceToDebtCollection:b "
        "IncludePdfInEmail:b? SendReminderInvoice:b SendReminderInvoiceDaysAfterDueDate:i InvoiceFee:n "
        "ReminderInvoiceFee:n SendByMailIfEmailNotViewedInDays:i "
        "SendByMailIfEmailNotViewedInDaysEnabled:b ReminderInvoicePaymentTermsInDays:i InvoiceComment:s?"
    ),
    "DebtorEventView": (
        "Title:s? Content:s? EventDate:t EventBy:s? Reference:s? EventType:e:EventTypeView IsPublic:b "
        "HasOccured:b EventPublicId:g"
    ),
    "DebtorSelfInvoiceInfoView": (
        "NextSelfInvoiceNumber:s? PaymentMethod:e:DebtorPaymentMethodView BankgiroNo:s? PlusgiroNo:s? "
        "AccountNo:s? ClearingNo:s? IBAN:s? BIC:s? FedwireAccountNumber:s? RoutingNumber:s? "
        "ApprovedCompanyTax:b"
    ),
    "DebtorView": (
        "DebtorPublicId:g CreditorPublicId:g DebtorExternalId:s? OrgNo:s? Name:s? Attention:s? CareOf:s? "
        "Address:s? Address2:s? ZipCode:s? City:s? CountryCode:s? CitizenshipCountryCode:s? Phone:s? "
        "Email:s? ContactName:s? ContactEmail:s? VatNumber:s? DebtorNo:s? GLN:s? IsActive:b? "
        "ProtectedIdentity:b UseProtectedMailDelivery:b DebtorType:e?:DebtorTypeView "
        "Intermediator:e?:IntermediatorTypeView EInvoiceBank:e?:EInvoiceBankTypeView Notes:s? "
        "DebtorSelfInvoiceInfo:o?:DebtorSelfInvoiceInfoView "
        "DefaultActionConfig:o?:DebtorDefaultActionConfigView Autogiro:o?:DebtorAutogiroView "
        "CreditCards:a?:o:DebtorCreditCardView Created:t"
    ),
    "DefaultActionConfigView": (
        "CreditorPublicId:g StartDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "EndDebtCollectionActionLevel:e:DebtCollectionActionLevelTypeView "
        "DeliveryMethod:e:DeliveryMethodTypeView CommunicationLanguage:e:LanguageTypeView "
        "PaymentTermsInDays:i DebtCollectionPaymentTermsInDays:i InterestTermsInDays:i "
        "InterestPercentage:n InvoicePaymentTermsInDays:i InterestType:e:InterestTypeView "
        "InterestStartInDaysAfterDueDate:i ReasonForHigherInterest:s? OurReference:s? NumberOfReminders:i "
        "CurrencyCode:s? ReasonDescription:s? SendInvoiceToDebtCollectionAfterDays:i "
        "SendInvoiceToDebtCollection:b IncludePdfInEmail:b? SendReminderInvoice:b "
        "SendReminderInvoiceDaysAfterDueDate:i ReminderInvoiceFee:n InvoiceFee:n "
        "AutomaticInvoiceWriteOffThresholds:a?:o:AmountView "
        "InvoiceFeeOnlyOnDeliveryMethods:a?:e:DeliveryMethodTypeView SendByMailIfEmailNotViewedInDays:i "
        "SendByMailIfEmailNotViewedInDaysEnabled:b SendAsPriorityMail:b SendWithColor:b "
        "SendDebtCollectionsWithMail:b ReminderInvoicePaymentTermsInDays:i InvoiceComment:s? "
        "ReminderGraceDays:i? MinAmountForSendingReminder:n? MinAmountForSendingDebtCollectionAction:n? "
        "IncomingPaymentNotificationMethods:a?:e:IncomingPaymentNotificationMethodTypeView "
        "DebtCollectionMessagePublicId:g? DoNotAutomaticallySendForeignInvoicesToDebtCollection:b "
        "ShowUnpaidInvoicesOnNextInvoice:b UsageOfDebtorBalanceIsAppliedByDefault:b "
        "DontRequestDueClaimResponse:b"
    ),
    "DeliveryAddressOverrideView": (
        "Name:s? Attention:s? CareOf:s? Address:s? Address2:s? ZipCode:s? City:s? Email:s? Phone:s? "
        "OrgNo:s? GLN:s? Intermediator:e?:IntermediatorTypeView"
    ),
    "DimensionCodeView": "Dimension:i Code:s?",
    "FileView": "FilePublicId:g ContentType:s? Data:s? FileName:s?",
    "IncomingPaymentRequestView": (
        "CreditorPublicId:g From:t To:t PaymentMeanCodeFilter:a?:s ProjectNumberFilter:a?:s "
        "ActionPublicIdFilter:a?:s"
    ),
    "IncomingPaymentView": (
        "CreditorPublicId:g InvoiceNumber:s? ActionPublicId:s? ActionType:e:ActionTypeView "
        "DebtorPublicId:g DebtorName:s? Amount:o?:AmountView CreatedDate:t PaymentDate:t "
        "PaymentMeanCode:s? File:o?:FileView PaymentReferenceId:g ExternalReference:s? OCR:s? "
        "CreatedBy:s? IsReminderPayment:b"
    ),
    "InvoiceActionAttachmentView": "File:o?:FileView IsCoverSheet:b SortNumber:i",
    "InvoiceActionEntryView": (
        "ActionType:e:ActionTypeView CreditorPublicId:g DebtorPublicId:g InvoiceDate:t DueDate:t "
        "DeliveryDate:t? Records:a?:o:InvoiceActionRecordView InterestPercentage:n "
        "ReasonForHigherInterest:s? InterestStartInDaysAfterDueDate:i InterestType:e?:InterestTypeView "
        "OurReference:s? YourReference:s? DeliveryMethod:e:DeliveryMethodTypeView "
        "CommunicationLanguage:e:LanguageTypeView Message:s? InvoiceNumber:s? InvoiceFee:o?:AmountView "
        "FreightFee:o?:AmountView VatIsIncluded:b SendByMailIfEmailNotViewedInDays:i? "
        "DeliveryAddressOverride:o?:DeliveryAddressOverrideView "
        "DebtCollectionDetails:o?:DebtCollectionDetailsView "
        "ReminderInvoiceDetails:o?:ReminderInvoiceDetailsView ReverseVATDetails:o?:ReverseVATDetailsView "
        "RotRutDetails:o?:RotRutDetailsView PaymentOverride:o?:PaymentOverrideView "
        "Appendixes:a?:o:FileView Attachments:a?:o:InvoiceActionAttachmentView "
        "Autogiro:o?:AutogiroWithdrawalView CreditCard:o?:CreditCardWithdrawalView "
        "InvoicePDF:o?:InvoiceFileView CreditingInvoicePublicId:s? ExternalReference:s? IsLocked:b "
        "UseDebtorBalance:b InvoiceSendDateOverride:t?"
    ),
    "InvoiceActionEventView": (
        "Title:s? Content:s? EventDate:t EventBy:s? Reference:s? EventType:e:EventTypeView IsPublic:b "
        "HasOccured:b EventPublicId:g"
    ),
    "InvoiceActionInvoiceView": (
        "InvoiceDate:t DueDate:t InvoiceNumber:s? InvoiceDecription:s? PaymentTermsInDays:i "
        "OurReference:s? YourReference:s? Name:s? Address:s? Address2:s? ZipCode:s? City:s? "
        "CountryCode:s? Email:s? InvoicedAmount:o?:AmountView InvoiceFile:o?:FileView OCR:s?"
    ),
    "InvoiceActionRecordView": (
        "ProductPublicId:g? SequenceNo:i Units:s? ArticleDescription:s? ArticleNumber:s? Quantity:n? "
        "UnitPrice:o?:AmountView DiscountAmount:o?:AmountView DiscountPercentage:n "
        "DiscountType:e:DiscountTypeView VAT:n CostCenter:s? PeriodStart:t? PeriodEnd:t? Project:s? "
        "RotRutActivated:b RotRutAmount:o?:AmountView RotRutMaterialCostAmount:o?:AmountView "
        "RotRutHours:i RotRutType:e:RotRutTypeView RecordType:e:RecordTypeView VatIsIncluded:b Hidden:b "
        "ExternalReference:s? Dimensions:a?:o:DimensionCodeView TotalIncVAT:o?:AmountView "
        "TotalExclVATNoDiscount:o?:AmountView TotalExclVAT:o?:AmountView"
    ),
    "InvoiceActionStateView": (
        "Stage:e:InvoiceActionStageTypeView InvoiceSentDate:t? NextEventDate:t? ClosedDate:t? "
        "NextEvent:s? IsPaused:b IsLocked:b AttestedDate:t? DisputedDate:t? SmsSentDate:t? "
        "SentToDebtCollectionDate:t? SalesRequestedDate:t? CreditCardPaymentPublicId:g? "
        "SwishPaymentPublicId:s? UseDebtorBalance:b"
    ),
    "InvoiceActionSubView": (
        "ActionPublicId:s? CreditorPublicId:g DebtorPublicId:g CreditorOrgNo:s? CreditorName:s? "
        "DebtorOrgNo:s? DebtorName:s? CurrentAmount:o?:AmountView InvoicedAmount:o?:AmountView "
        "Stage:e?:InvoiceActionStageTypeView ActionType:e?:ActionTypeView "
        "DeliveryMethod:e?:DeliveryMethodTypeView DeliveryStatus:e:DeliveryStatusTypeView ClosedDate:t? "
        "Created:t InvoiceSentDate:t? ReminderInvoiceSentDate:t? AttestedDate:t? NextEventDate:t? "
        "DueDate:t InvoiceDate:t InvoiceNumber:s? IsCommented:b IsLocked:b IsPaused:b OCR:s? "
        "ContractInvoiceActionPublicId:s? File:o?:FileView NextEvent:s? "
        "AwaitingPaymentTransferAmount:o?:AmountView TotalVATAmount:o?:AmountView IsDisputed:b "
        "DebtCollectionActionPublicId:s? ReminderInvoiceActionPublicId:s? AutogiroWithdrawalEnabled:b "
        "YourReference:s?"
    ),
    "InvoiceActionView": (
        "ActionPublicId:s? CreditorPublicId:g CommunicationLanguage:e:LanguageTypeView Created:t "
        "DeliveryMethod:e:DeliveryMethodTypeView Debtor:o?:DebtorView State:o?:InvoiceActionStateView "
        "Invoices:a?:o:InvoiceActionInvoiceView Records:a?:o:InvoiceActionRecordView "
        "Events:a?:o:InvoiceActionEventView InvoiceDate:t DueDate:t DeliveryDate:t? PaymentTermsInDays:i "
        "InterestTermsInDays:i InterestPercentage:n InterestType:e:InterestTypeView OurReference:s? "
        "YourReference:s? InterestStartInDaysAfterDueDate:i InvoicedAmount:o?:AmountView "
        "InterestAmount:o?:AmountView RotRutDeductionAmount:o?:AmountView CurrentAmount:o?:AmountView "
        "CreditedAmount:o?:AmountView PaidAmount:o?:AmountView WriteOffAmount:o?:AmountView "
        "AwaitingPaymentTransferAmount:o?:AmountView TotalVATAmount:o?:AmountView "
        "CentRoundingAmount:o?:AmountView DebtCollectionActionPublicId:s? "
        "ReminderInvoiceActionPublicId:s? DeliveryAddressOverride:o?:DeliveryAddressOverrideView "
        "CreditingInvoice:o?:CreditingInvoiceView Autogiro:o?:AutogiroWithdrawalView "
        "CreditCard:o?:CreditCardWithdrawalView Message:s? InvoiceNumber:s? CanPause:b CanResume:b "
        "CanCreateCreditInvoice:b CanCreateInterestInvoice:b CanRegisterPayment:b CanMakeManual:b "
        "CanSendManualInvoice:b CanResendManualInvoice:b CanSendManualReminderInvoice:b CanPostpone:b "
        "CanSendToDebtCollection:b CanDispute:b CanUnDispute:b CanSell:b CanCancelSalesRequest:b "
        "CanCreateAutogiroWithdrawal:b PaymentOverride:o?:PaymentOverrideView "
        "DebtCollectionDetails:o?:DebtCollectionDetailsView "
        "ReminderInvoiceDetails:o?:ReminderInvoiceDetailsView ReverseVATDetails:o?:ReverseVATDetailsView "
        "RotRutDetails:o?:RotRutDetailsView ReasonForHigherInterest:s? Appendixes:a?:o:FileView "
        "Attachments:a?:o:InvoiceActionAttachmentView ActionType:e:ActionTypeView "
        "InvoiceFee:o?:AmountView FreightFee:o?:AmountView VatIsIncluded:b "
        "SendByMailIfEmailNotViewedInDays:i? ExternalReference:s? ContractInvoiceActionPublicId:s?"
    ),
    "InvoiceFileView": "OCR:s? Stream:s? Url:s?",
    "OverpaymentDetailsView": (
        "ActionType:e:ActionTypeView ActionPublicId:s? InvoiceNumber:s? UsedOnActionPublicId:s?"
    ),
    "PaymentMatchResultView": "UnhandledPaymentPublicId:g Successfull:b ResponseMessage:s?",
    "PaymentMatchView": "UnhandledPaymentPublicId:g ActionPublicId:s? PaymentDate:t?",
    "PaymentOverrideView": (
        "BankGiro:s? PlusGiro:s? ClearingNo:s? AccountNo:s? Iban:s? Bic:s? BankName:s? PaymentReceiver:s? "
        "Reference:s? ReferenceType:e:ReferenceTypeView ReceivingAccountType:e:ReceivingAccountTypeView"
    ),
    "ProductView": (
        "ProductPublicId:g CreditorPublicId:g ArticleNumber:s? ProductExternalId:s? Description:s? "
        "Units:s? IsActive:b UnitPrice:n VAT:n BookKeepingAccount:i? BookKeepingSalesEUAccount:i? "
        "BookKeepingSalesEUVATAccount:i? BookKeepingSalesNonEUAccount:i? BookKeepingPurchaseAccount:i? "
        "BookKeepingVATAccount:i? BookKeepingPurchaseVATAccount:i? ProductType:e?:ProductTypeView "
        "ConfigurationCode:s?"
    ),
    "RegisterPaymentView": (
        "ActionPublicId:s? Amount:o?:AmountView WriteOff:o?:AmountView Comment:s? Date:t WriteOffVat:n "
        "OverrideWriteOffAccount:s? PaymentMeanCode:s? "
        "OvershootingAmountHandling:e:RegisterPaymentOverShootingAmountHandlingTypeView "
        "PaymentReferenceText:s?"
    ),
    "ReminderInvoiceActionInvoiceView": (
        "InvoiceDate:t DueDate:t InvoiceNumber:s? InvoiceDecription:s? PaymentTermsInDays:i "
        "OurReference:s? YourReference:s? Name:s? Address:s? Address2:s? ZipCode:s? City:s? "
        "CountryCode:s? InvoicedAmount:o?:AmountView InvoiceFile:o?:FileView OCR:s?"
    ),
    "ReminderInvoiceActionView": (
        "ActionPublicId:s? SourceActionPublicId:s? Created:t ClosedDate:t? "
        "Stage:e:InvoiceActionStageTypeView ReminderInvoices:a?:o:ReminderInvoiceActionInvoiceView "
        "CurrentValue:o?:AmountView ReminderFee:o?:AmountView"
    ),
    "ReminderInvoiceDetailsView": "SendReminderInvoice:b DaysDelayAfterDueDate:i",
    "ReverseVATDetailsView": "ReverseVATActivated:b ReceiverVATNumber:s?",
    "RotRutCustomerView": "Name:s? SSN:s? AskedAmount:o?:AmountView",
    "RotRutDetailsView": (
        "ResidenceAssociationOrgNo:s? PropertyDesignation:s? Persons:a?:s "
        "Customers:a?:o:RotRutCustomerView"
    ),
    "SecureTokenView": "Value:s? Expires:t",
    "SendReminderInvoiceView": (
        "InvoiceActionPublicId:s? DeliveryMethod:e?:DeliveryMethodTypeView ReminderFee:o?:AmountView "
        "Stream:s? Url:s? PaymentTermsInDays:i?"
    ),
    "SwishPaymentStatusView": (
        "PaymentRequestToken:s? Status:e:SwishStatusTypeView PaidDate:t? Created:t Amount:o?:AmountView "
        "RefundedAmount:o?:AmountView ErrorMessage:s? ErrorCode:s?"
    ),
    "UnhandledPaymentView": (
        "CreditorPublicId:g UnhandledPaymentPublicId:g CreditorName:s? SenderName:s? SenderAddress:s? "
        "SenderZipCode:s? SenderCity:s? SenderCountryCode:s? SenderOrgNo:s? SenderBankgiroNo:s? "
        "DebtorPublicId:g? Amount:o?:AmountView PaymentDate:t Reference:s? CreatedBy:s? "
        "UnhandledPaymentType:e?:UnhandledPaymentTypeView OverpaymentDetails:o?:OverpaymentDetailsView "
        "AdditionalInformations:a?:s State:e?:UnhandledPaymentStateTypeView"
    ),
}

# Enums that bot.billecta.enums does not define: {code: name}.
EXTRA_ENUMS: dict[str, dict[int, str]] = {
    "AutogiroStageTypeView": {
        0: "Pending", 1: "Approved", 2: "Failed", 3: "Removed", 100: "Migration",
    },
    "CreditorPaymentMethodPriorityTypeView": {
        0: "Primary", 1: "Alternative", -1: "Unknown",
    },
    "CreditorPaymentMethodTypeView": {
        0: "BankGiro", 1: "PlusGiro", 2: "BankAccount", 3: "IBAN", -1: "Unknown",
    },
    "DebtorPaymentMethodView": {
        0: "BankGiro", 1: "PlusGiro", 2: "BankAccount", 3: "IBAN", 4: "Fedwire", -1: "Unknown",
    },
    "EInvoiceBankTypeView": {
        0: "OEB", 1: "SEB", 2: "SHB", 3: "SKB", 4: "FSPA", 5: "NB", 6: "LFB", 7: "FINN",
        9: "ICA", 10: "SYD", 11: "DNB", 12: "SBF", 14: "AAB", 15: "DBF", 16: "SEBF", 17: "SHBF",
        18: "NBF", 19: "FRX", 20: "MARG", -1: "Unknown",
    },
    "IncomingPaymentNotificationMethodTypeView": {
        0: "Email", 1: "SMS", -1: "Unknown",
    },
    "IntermediatorTypeView": {
        0: "ITELLA", 1: "TIETOSE", 2: "LOGICA", 3: "PROCEEDO", 4: "HUSERA", 5: "BASWARE",
        6: "EDB", 7: "STRALFORS1", 8: "LIAISON_FI", 9: "EXPERT", 10: "ESSESESS", 11: "HANDSESS",
        12: "DABASESS", 13: "SWEDSESS", 14: "NDEASESS", 15: "INEXCHANGE", 17: "SCANCLOUD",
        18: "PAGERO", 19: "CREDIFLOW", 20: "PEPPOL", 21: "COMPELLO", 22: "LOGIQ", 23: "APIX",
        24: "AKSESSPUNKT", 25: "FININVOICE", -1: "Unknown",
    },
    "ReceivingAccountTypeView": {
        0: "BankGiro", 1: "PlusGiro", 2: "BankAccount", 3: "IBAN", -1: "Unknown",
    },
    "RotRutTypeView": {
        0: "Construction", 1: "Electricity", 2: "GlassMetalWork", 3: "GroundDrainageWork",
        4: "Masonry", 5: "PaintingWallpapering", 6: "Hvac", 100: "BabySitting", 101: "Moving",
        102: "ITServices", 103: "TextileClothing", 104: "PersonalCare", 105: "SnowPlowing",
        106: "Cleaning", 107: "Gardening", 108: "WhiteGoods", 109: "Furnituring", 110: "HouseSupervision",
        -1: "Unknown",
    },
}
