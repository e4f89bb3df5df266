package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// purchasePersonas are the personas of Payway's purchase side: how place_order treats them (debt,
// account-sync conflicts), what Klarna offers them at checkout and the saved Klarna customer tokens of
// subscribers who buy one-click.
// Personas() appends them; they live here so the purchase scenarios are read in one place.
func purchasePersonas() []Persona {
	addr := func(first, last, street, number, zip, city string) Address {
		return Address{FirstName: first, LastName: last, Street: street, StreetNumber: number,
			ZipCode: zip, City: city, CountryCode: "SE"}
	}
	token := func(email, status, behaviour string) *PersonaToken {
		return &PersonaToken{TokenID: personaTokenID(email), Status: status, PaymentMethodType: "CARD",
			MaskedNumber: "************1111", Behaviour: behaviour}
	}
	return []Persona{
		// Purchase outcomes of place_order.
		{
			Email: "debt@example.se", Password: demoPassword, FirstName: "Dana", LastName: "Debt",
			Purchase:       PurchaseDebt,
			Demonstrates:   "place_order fails with 403 payment method failed (Klarna finds debt); the subscription is terminated",
			CustomerNumber: "100003", MobilePhoneNumber: "+46701740607", BirthDate: "1990-01-01",
			SocialSecurityNumber: "900101-1239", Address: addr("Dana", "Debt", "Drottninggatan", "21", "11151", "Stockholm"),
		},
		{
			Email: "ssn-taken@example.se", Password: demoPassword, FirstName: "Tove", LastName: "Taken",
			Purchase:       PurchaseSSNTaken,
			Demonstrates:   "place_order 409 ssn_already_taken while raise_on_ssn_already_taken_error is true (Payway's default); with it false the purchase succeeds and the SSN stays unset",
			CustomerNumber: "100004", MobilePhoneNumber: "+46701740608", BirthDate: "1982-06-15",
			Address: addr("Tove", "Taken", "Vasagatan", "7", "41124", "Göteborg"),
		},
		{
			Email: "ssn-set@example.se", Password: demoPassword, FirstName: "Sixten", LastName: "Set",
			Purchase:       PurchaseSSNSet,
			Demonstrates:   "has an SSN already: place_order 409 ssn_already_set with raise_on_ssn_already_set_error; without it the purchase succeeds and the SSN is kept",
			CustomerNumber: "100005", MobilePhoneNumber: "+46701740609", BirthDate: "1975-09-30",
			SocialSecurityNumber: "750930-3454", Address: addr("Sixten", "Set", "Stortorget", "3", "21122", "Malmö"),
		},
		{
			Email: "address@example.se", Password: demoPassword, FirstName: "Ada", LastName: "Address",
			Purchase:       PurchaseDeliveryAddress,
			Demonstrates:   "place_order 409 delivery_address_invalid with raise_on_delivery_address_error; without it the order has no delivery address",
			CustomerNumber: "100006", MobilePhoneNumber: "+46701740610", BirthDate: "1988-04-12",
			SocialSecurityNumber: "880412-4561", Address: addr("Ada", "Address", "Östra Ågatan", "9", "75322", "Uppsala"),
		},
		{
			Email: "account-update@example.se", Password: demoPassword, FirstName: "Ulf", LastName: "Update",
			Purchase:       PurchaseAccountUpdate,
			Demonstrates:   "place_order 409 account_update_failed with raise_on_account_update_error; without it name, birth date and address stay as they were",
			CustomerNumber: "100007", MobilePhoneNumber: "+46701740611", BirthDate: "1992-02-20",
			SocialSecurityNumber: "920220-5671", Address: addr("Ulf", "Update", "Storgatan", "30", "90326", "Umeå"),
		},
		// What Klarna offers at checkout.
		{
			Email: "categories@example.se", Password: demoPassword, FirstName: "Cora", LastName: "Categories",
			KlarnaCategories: separateCategories(),
			Demonstrates:     "Klarna offers separate payment categories at checkout (Pay with Klarna, Pay later, Pay now, Direct debit) instead of the one klarna category",
			CustomerNumber:   "100014", MobilePhoneNumber: "+46701740619", BirthDate: "1991-11-05",
			SocialSecurityNumber: "911105-2842", Address: addr("Cora", "Categories", "Nygatan", "18", "60231", "Norrköping"),
		},
		// Subscribers whose one-click Klarna token the app saved earlier (the app's on-demand token; Payway
		// keeps a subscription token of its own for their renewals).
		{
			Email: "token@example.se", Password: demoPassword, FirstName: "Tim", LastName: "Token",
			Products: []string{productDigital}, KlarnaToken: token("token@example.se", "ACTIVE", tokenBehaviourOK),
			Demonstrates:   "saved Klarna token (card) that charges fine: one-click purchase",
			CustomerNumber: "100008", MobilePhoneNumber: "+46701740612", BirthDate: "1969-07-08",
			SocialSecurityNumber: "690708-6786", Address: addr("Tim", "Token", "Linnégatan", "5", "11447", "Stockholm"),
		},
		{
			Email: "stepup@example.se", Password: demoPassword, FirstName: "Stina", LastName: "Stepup",
			Products: []string{productDigital}, KlarnaToken: token("stepup@example.se", "ACTIVE", tokenBehaviourStepUp),
			Demonstrates:   "token order rejected with a step-up trigger (step_up_id): recovery through the SDK or the hosted payment page",
			CustomerNumber: "100009", MobilePhoneNumber: "+46701740613", BirthDate: "1981-05-03",
			SocialSecurityNumber: "810503-7892", Address: addr("Stina", "Stepup", "Hamngatan", "11", "60222", "Norrköping"),
		},
		{
			Email: "token-failed@example.se", Password: demoPassword, FirstName: "Fredrik", LastName: "Failed",
			Products: []string{productDigital}, KlarnaToken: token("token-failed@example.se", "ACTIVE", tokenBehaviourPaymentMethodFailed),
			Demonstrates:   "token order rejected without a trigger (403 PAYMENT_METHOD_FAILED): error page, retry or regular checkout",
			CustomerNumber: "100010", MobilePhoneNumber: "+46701740614", BirthDate: "1993-03-11",
			SocialSecurityNumber: "930311-8914", Address: addr("Fredrik", "Failed", "Kyrkogatan", "2", "41115", "Göteborg"),
		},
		{
			Email: "token-cancelled@example.se", Password: demoPassword, FirstName: "Cecilia", LastName: "Cancelled",
			Products: []string{productDigital}, KlarnaToken: token("token-cancelled@example.se", "CANCELLED", tokenBehaviourOK),
			Demonstrates:   "saved token was cancelled (403 TOKEN_CANCELLED, no trigger)",
			CustomerNumber: "100011", MobilePhoneNumber: "+46701740616", BirthDate: "1986-01-27",
			SocialSecurityNumber: "860127-9121", Address: addr("Cecilia", "Cancelled", "Södergatan", "14", "21134", "Malmö"),
		},
		{
			Email: "token-suspended@example.se", Password: demoPassword, FirstName: "Sune", LastName: "Suspended",
			Products: []string{productDigital}, KlarnaToken: token("token-suspended@example.se", "SUSPENDED", tokenBehaviourOK),
			Demonstrates:   "saved token suspended by Klarna (403 TOKEN_SUSPENDED, no trigger)",
			CustomerNumber: "100012", MobilePhoneNumber: "+46701740617", BirthDate: "1979-08-18",
			SocialSecurityNumber: "790818-1352", Address: addr("Sune", "Suspended", "Fiskargatan", "8", "11620", "Stockholm"),
		},
		{
			Email: "token-missing@example.se", Password: demoPassword, FirstName: "Maja", LastName: "Missing",
			Products:       []string{productDigital},
			KlarnaToken:    &PersonaToken{TokenID: personaTokenID("token-missing@example.se"), Missing: true},
			Demonstrates:   "the app's saved token is one Klarna does not know (404 TOKEN_NOT_FOUND, no trigger)",
			CustomerNumber: "100013", MobilePhoneNumber: "+46701740618", BirthDate: "1984-02-24",
			SocialSecurityNumber: "840224-2468", Address: addr("Maja", "Missing", "Järntorget", "1", "41304", "Göteborg"),
		},
	}
}

// personaTokenID derives a stable, UUID-shaped id for the persona's on-demand token (the app's) from
// the e-mail, so tokens survive restarts and resets and the app's stored tokens stay valid.
func personaTokenID(email string) string { return tokenIDFrom("sandbox-customer-token:" + email) }

// personaSubscriptionTokenID is the stable id of the subscription token Payway keeps for the persona.
func personaSubscriptionTokenID(email string) string {
	return tokenIDFrom("sandbox-subscription-token:" + email)
}

// tokenIDFrom is a UUID-shaped id derived from seed (case-insensitive).
func tokenIDFrom(seed string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(seed)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40 // version 4 layout
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
