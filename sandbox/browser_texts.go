package sandbox

import (
	"html/template"
	"strings"
)

// frameTexts is the copy of Klarna's browser pages (widget, authorize dialog, hosted payment page and its
// result pages). Klarna shows these in the payment session's locale, so the sandbox does too: Swedish for
// a Swedish session (every session Payway opens, and the app's own for a Swedish reader), English for any
// other. The sandbox keeps its own two sets instead of the app's message bundle: it must not depend on the
// app it stands in for.
type frameTexts struct {
	Lang       string // the pages' lang attribute
	SandboxTag string // the brand line's reminder that nothing is paid for real

	Close, EmailLabel, OTPLabel, Continue string

	// Widget.
	WidgetNote string

	// Authorize dialog. The notes are HTML (they set the test e-mails as code); the ones with %s get the
	// e-mail typed through WithEmail, which escapes it.
	DialogEmailNote                        template.HTML
	CodeHeading, CodeSentTo, ConfirmAndPay string
	HintApproves                           template.HTML
	HintDenied, HintMalformed              template.HTML // %s: the e-mail
	EnterEmail, EnterCode                  string
	Approved, NotApproved, Rejected        string // the dialog's result, for the moment before it closes
	Unusable                               string // the result when Klarna cannot be used at all
	CategoryNotOffered                     string // %s: the category
	WrongOrigin                            string // %s: the page's origin, %s: the confirmation URL's origin

	// Hosted payment page.
	HPPTitle, PayHeading, YourOrder, Item, Amount   string
	HPPNote                                         template.HTML
	Pay, Decline, BackToShop, CancelPayment, Fail   string
	EnterEmailAndCode, ChooseButton                 string
	HPPResultTitle                                  string
	StatusCompleted, StatusCompletedText            string
	StatusFailed, StatusFailedText                  string
	StatusCancelled, StatusBack, StatusNothingTaken string
	StatusError, StatusErrorText                    string
	StatusDisabled, StatusDisabledText              string
	StatusOther                                     string // %s: the status, in lower case
}

// svFrameTexts is the Swedish copy, worded as Klarna's Swedish checkout words it.
func svFrameTexts() frameTexts {
	return frameTexts{
		Lang: "sv", SandboxTag: "testmiljö: ingen riktig betalning",
		Close: "Stäng", EmailLabel: "E-postadress", OTPLabel: "Engångskod", Continue: "Fortsätt",

		WidgetNote: "Du bekräftar med din e-postadress och en engångskod när du handlar.",

		DialogEmailNote: "Testmiljö: <code>customer@email.se</code> godkänns, <code>customer+denied@email.se</code> nekas.",
		CodeHeading:     "Ange koden vi skickade", CodeSentTo: "Vi har skickat en sexsiffrig kod till", ConfirmAndPay: "Bekräfta och betala",
		HintApproves: "Testmiljö: alla sexsiffriga koder godkänns, <code>999999</code> misslyckas.",
		HintDenied: "Testmiljö: Klarna kommer att neka det här köpet: %s är e-postadressen till en testkund som Klarna inte godkänner. " +
			"Använd <code>customer@email.se</code> för att bli godkänd.",
		HintMalformed: "Testmiljö: %s är inte en giltig e-postadress: Klarna godkänner den inte och ber dig rätta den.",
		EnterEmail:    "Ange din e-postadress.", EnterCode: "Ange den sexsiffriga koden.",
		Approved:           "Godkänt: du skickas tillbaka till butiken",
		NotApproved:        "Inte godkänt: kontrollera dina uppgifter och försök igen",
		Rejected:           "Klarna kan inte godkänna det här köpet",
		Unusable:           "Klarna kan inte användas för det här köpet",
		CategoryNotOffered: "Betalsättet %s erbjuds inte för det här köpet.",
		WrongOrigin:        "Den här sidan (%s) har inte samma ursprung som köpets bekräftelseadress (%s).",

		HPPTitle: "Klarna: betala", PayHeading: "Betala", YourOrder: "Din beställning", Item: "Vara", Amount: "Belopp",
		HPPNote: "Testmiljö: <code>customer@email.se</code> med valfri sexsiffrig kod godkänns; " +
			"<code>customer+denied@email.se</code> eller koden <code>999999</code> misslyckas.",
		Pay: "Betala", Decline: "Neka (Klarna avslår)", BackToShop: "Tillbaka till butiken",
		CancelPayment: "Avbryt betalningen", Fail: "Simulera ett fel",
		EnterEmailAndCode: "Ange din e-postadress och den sexsiffriga koden.", ChooseButton: "Välj en av knapparna.",
		HPPResultTitle:  "Klarna (testmiljö)",
		StatusCompleted: "Betalningen är godkänd", StatusCompletedText: "Du kan stänga den här sidan och gå tillbaka till butiken.",
		StatusFailed:     "Betalningen godkändes inte",
		StatusFailedText: "Klarna kunde inte godkänna det här köpet. Gå tillbaka till butiken och välj ett annat sätt att betala.",
		StatusCancelled:  "Betalningen avbröts", StatusBack: "Tillbaka i butiken", StatusNothingTaken: "Ingenting har dragits.",
		StatusError: "Något gick fel", StatusErrorText: "Ingenting har dragits. Gå tillbaka till butiken och försök igen.",
		StatusDisabled: "Betalningslänken är inte längre aktiv", StatusDisabledText: "Butiken har inaktiverat den.",
		StatusOther: "Betalning: %s",
	}
}

// enFrameTexts is the English copy, for every session that is not Swedish and for pages without a session.
func enFrameTexts() frameTexts {
	return frameTexts{
		Lang: "en", SandboxTag: "sandbox: no real payment",
		Close: "Close", EmailLabel: "Email address", OTPLabel: "One-time code", Continue: "Continue",

		WidgetNote: "You confirm with your email and a one-time code when you buy.",

		DialogEmailNote: "Sandbox: <code>customer@email.se</code> is approved, <code>customer+denied@email.se</code> is denied.",
		CodeHeading:     "Enter the code we sent", CodeSentTo: "A 6-digit code was sent to", ConfirmAndPay: "Confirm and pay",
		HintApproves: "Sandbox: any 6 digits approve, <code>999999</code> fails.",
		HintDenied: "Sandbox: Klarna will decline this purchase: %s is the test email of a customer Klarna does not approve. " +
			"Use <code>customer@email.se</code> to be approved.",
		HintMalformed: "Sandbox: %s is not a valid email address: Klarna will not approve it and will ask you to correct it.",
		EnterEmail:    "Enter your email address.", EnterCode: "Enter the 6-digit code.",
		Approved:           "Approved: returning to the shop",
		NotApproved:        "Not approved: check your details and try again",
		Rejected:           "Klarna cannot accept this purchase",
		Unusable:           "Klarna cannot be used for this purchase",
		CategoryNotOffered: "The payment method %s is not offered for this purchase.",
		WrongOrigin:        "This page (%s) is not on the origin of the purchase's confirmation URL (%s).",

		HPPTitle: "Klarna: pay", PayHeading: "Pay", YourOrder: "Your order", Item: "Item", Amount: "Amount",
		HPPNote: "Sandbox: <code>customer@email.se</code> with any 6-digit code approves; " +
			"<code>customer+denied@email.se</code> or code <code>999999</code> fails.",
		Pay: "Pay", Decline: "Decline (Klarna rejects)", BackToShop: "Back to the shop",
		CancelPayment: "Cancel payment", Fail: "Simulate an error",
		EnterEmailAndCode: "Enter your email address and the 6-digit code.", ChooseButton: "Choose one of the buttons.",
		HPPResultTitle:  "Klarna (sandbox)",
		StatusCompleted: "Payment approved", StatusCompletedText: "You can close this page and return to the shop.",
		StatusFailed:     "Payment not approved",
		StatusFailedText: "Klarna could not accept this purchase. Return to the shop to choose another way to pay.",
		StatusCancelled:  "Payment cancelled", StatusBack: "Returned to the shop", StatusNothingTaken: "Nothing was charged.",
		StatusError: "Something went wrong", StatusErrorText: "Nothing was charged. Return to the shop and try again.",
		StatusDisabled: "This payment link is no longer active", StatusDisabledText: "The shop has disabled it.",
		StatusOther: "Payment %s",
	}
}

// frameTextsFor picks the copy for a payment session's locale (its cart's locale, "sv-SE", "en-SE"...):
// Swedish for sv-*, English otherwise, as categoryNames names the categories.
func frameTextsFor(locale string) frameTexts {
	if strings.HasPrefix(strings.ToLower(locale), "sv") {
		return svFrameTexts()
	}
	return enFrameTexts()
}

// WithEmail fills a note's %s with the e-mail typed, escaped and set as code.
func (t frameTexts) WithEmail(note template.HTML, email string) template.HTML {
	return template.HTML(strings.Replace(string(note), "%s", "<code>"+template.HTMLEscapeString(email)+"</code>", 1)) //nolint:gosec // the note is ours, the e-mail is escaped
}
