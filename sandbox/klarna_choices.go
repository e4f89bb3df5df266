package sandbox

// choiceView is one behaviour of the sandbox's Klarna emulation that Klarna's documentation does not fix:
// what the sandbox does, what Klarna documents about it, and what would confirm or correct it. GET
// /sandbox/v1/scenarios lists them (klarna_choices) so that other teams, the README and a check against
// Klarna's playground read one list instead of the source.
type choiceView struct {
	Rule    string `json:"rule"`    // what the sandbox does
	Klarna  string `json:"klarna"`  // what Klarna documents
	Confirm string `json:"confirm"` // what would confirm or correct it
}

// klarnaChoices are the sandbox's Klarna choices where Klarna is silent. Each has a test in the sandbox
// package (klarna_choices_test.go names the file of each) and, through the client, in klarna's contract
// tests.
func klarnaChoices() []choiceView {
	return []choiceView{
		{
			Rule: "A Klarna-Idempotency-Key reused within 24 hours with another request body answers 409 BAD_VALUE " +
				"\"Klarna-Idempotency-Key was already used with a different request body\" and executes nothing.",
			Klarna: "Same key within 24 h: executed once, the same response again. A reuse with another body is not " +
				"documented; 409 BAD_VALUE is Klarna's code for a request that conflicts with an earlier one.",
			Confirm: "Playground: two token orders with one key and different merchant_reference1.",
		},
		{
			Rule: "A payment session with customer.customer_token but no step_up_id answers 400 BAD_VALUE " +
				"\"Bad value: step_up_id\"; step_up_id without customer.customer_token answers 400 BAD_VALUE " +
				"\"Bad value: customer.customer_token\"; a step_up_id not handed out for that token answers " +
				"400 BAD_VALUE \"Bad value: step_up_id\".",
			Klarna: "The recovery guide sends both together; neither field is in the OpenAPI, and Klarna does not " +
				"say what one of them alone does. BAD_VALUE is Klarna's code for a field it refuses.",
			Confirm: "Playground: a step-up session with only one of the two fields.",
		},
		{
			Rule: "A second create-order on one authorization token with the same body (JSON compared whatever " +
				"its whitespace and key order) answers 200 with the first order again; no second order is made.",
			Klarna: "A second create-order with another body is documented: 409 BAD_VALUE \"The order has been " +
				"already completed with different request body\" (the sandbox answers that). The same body again " +
				"is not documented; the message implies it is accepted.",
			Confirm: "Playground: create the order of one authorization twice with the same body.",
		},
		{
			Rule: "An authorization whose order was placed by the hosted page (PLACE_ORDER, CAPTURE_ORDER) or " +
				"by Payway answers create-order with 403 INVALID_OPERATION \"Authorization token already consumed\".",
			Klarna: "The message is documented (403 INVALID_OPERATION); when Klarna sends it rather than the 409 " +
				"is not.",
			Confirm: "Playground: create-order with the authorization_token read from the payment session after " +
				"an HPP session in PLACE_ORDER mode completed.",
		},
		{
			Rule: "Callback URLs (merchant_urls.authorization, HPP merchant_urls.status_update) must be HTTPS, " +
				"else 400 BAD_VALUE \"Bad value: merchant_urls.<name>\"; plain http is accepted for loopback " +
				"hosts only (localhost, *.localhost, 127.0.0.0/8, ::1), where the sandbox and the app run on one " +
				"machine. Redirect URLs (confirmation, HPP success, cancel, ...) and notification/push may be http.",
			Klarna: "Both callbacks are documented as HTTPS only; the answer to an http callback URL is not " +
				"documented (BAD_VALUE is Klarna's code for a field it refuses).",
			Confirm: "Playground: a session with merchant_urls.authorization on http.",
		},
		{
			Rule: "Payment sessions offer one category, klarna (\"Pay with Klarna\"). The merchant " +
				KlarnaSeparateCategoriesUsername + " (same password) gets klarna, pay_later, pay_now and " +
				"direct_debit, and so do the Payway purchase sessions of the persona categories@example.se; " +
				"Payway's trial sessions offer direct_debit only. Every category's asset_urls (descriptive and " +
				"standard) name Klarna's generic badge at the path of Klarna's CDN " + klarnaBadgePath + " on the " +
				"sandbox's own origin, which serves it, so a checkout shows it offline.",
			Klarna: "The current guide's example returns the single klarna category with the badge " +
				"https://x.klarnacdn.net" + klarnaBadgePath + "; which categories a merchant gets depends on its " +
				"contract and market.",
			Confirm: "Playground: the payment_method_categories of a session created with the merchant's own " +
				"credentials.",
		},
		{
			Rule: "An approved authorization of a persona's Payway purchase session belongs to the persona (name, " +
				"birth date, personal number, phone, address) whatever test e-mail is typed, so Payway's account " +
				"sync keeps the account as it is; for the account-sync conflict personas (ssn-taken@, ssn-set@, " +
				"address@, account-update@example.se) and every session made through Klarna's API it is the " +
				"person the e-mail names (customer@email.se: Alice Test).",
			Klarna: "Klarna identifies the real customer; the playground's test e-mails stand for test persons " +
				"(customer@email.se is Alice Test).",
			Confirm: "Not a playground question: a real customer is who they are. The sandbox's rule keeps demos " +
				"of one persona consistent from login to confirmation.",
		},
	}
}
