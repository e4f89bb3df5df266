package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Klarna's playground decides an authorization by the customer's e-mail (reference §7). The sandbox
// follows the same patterns so demos and tests can be driven by e-mail alone:
//
//	customer@email.se, customer+<tag>@email.se    approved as Klarna's Swedish test person Alice Test
//	                                              (as the persona in a persona's Payway purchase: sessionCustomer)
//	customer+denied@email.se, customer+denied+...  hard rejection ({approved:false, show_form:false})
//	any other well-formed e-mail                   approved as a person named after the local part
//	a malformed e-mail                             fixable rejection, invalid_fields [billing_address.email]
//
// and the one-time code 999999 fails (fixable: the form stays open).

// emailOutcome is what an e-mail leads to in the authorize dialog.
type emailOutcome int

const (
	emailApproved emailOutcome = iota
	emailDenied
	emailMalformed
)

// String names the outcome, as the authorize dialog's code step tells it (authorize.html).
func (o emailOutcome) String() string {
	switch o {
	case emailDenied:
		return "denied"
	case emailMalformed:
		return "malformed"
	}
	return "approved"
}

// otpFailing is the playground's failing one-time code.
const otpFailing = "999999"

// wellFormedEmail is deliberately simple: one @, no spaces, a dot in the domain.
var wellFormedEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

// klarnaTestDomain matches Klarna's test domains email.<country code>.
var klarnaTestDomain = regexp.MustCompile(`^email\.[a-z]{2}$`)

// classifyEmail applies the playground's rules to an e-mail.
func classifyEmail(email string) emailOutcome {
	email = strings.ToLower(strings.TrimSpace(email))
	if !wellFormedEmail.MatchString(email) {
		return emailMalformed
	}
	local, domain, _ := strings.Cut(email, "@")
	if klarnaTestDomain.MatchString(domain) && (local == "customer+denied" || strings.HasPrefix(local, "customer+denied+")) {
		return emailDenied
	}
	return emailApproved
}

// aliceTest is Klarna's approved Swedish test person (reference §7.1). NationalID is the 12-digit
// personal number without the "SE" prefix the test-data page prints (Klarna's API field
// national_identification_number carries digits only).
func aliceTest(email string) kpCustomer {
	return kpCustomer{
		Email: email, GivenName: "Alice", FamilyName: "Test", Phone: "+46701740615", DateOfBirth: "1941-03-21",
		NationalID: "194103219202", StreetAddress: "Södra Blasieholmshamnen 2", PostalCode: "11148",
		City: "Stockholm", Country: "SE",
	}
}

// customerForEmail is the person an approved e-mail authorizes as.
func customerForEmail(email string) kpCustomer {
	email = strings.TrimSpace(email)
	local, domain, _ := strings.Cut(strings.ToLower(email), "@")
	if domain == "email.se" && (local == "customer" || strings.HasPrefix(local, "customer+")) {
		return aliceTest(email)
	}
	return generatedCustomer(email)
}

// generatedCustomer invents a stable Swedish person for any other e-mail: names from the local part
// ("jane.doe" -> Jane Doe), a birth date and a valid personal number derived from the e-mail, so the same
// e-mail always gives the same person (Payway's account sync can then be demonstrated with any e-mail).
func generatedCustomer(email string) kpCustomer {
	local, _, _ := strings.Cut(email, "@")
	local, _, _ = strings.Cut(local, "+")
	var names []string
	for _, part := range strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) }) {
		runes := []rune(strings.ToLower(part))
		runes[0] = unicode.ToUpper(runes[0])
		names = append(names, string(runes))
	}
	given, family := "Sandbox", "Customer"
	if len(names) > 0 {
		given = names[0]
	}
	if len(names) > 1 {
		family = strings.Join(names[1:], " ")
	}
	sum := sha256.Sum256([]byte("sandbox-klarna-customer:" + strings.ToLower(email)))
	year := 1950 + int(sum[0])%50
	month := 1 + int(sum[1])%12
	day := 1 + int(sum[2])%28
	serial := int(sum[3])<<8 | int(sum[4])
	return kpCustomer{
		Email: email, GivenName: given, FamilyName: family,
		Phone:         fmt.Sprintf("+4670%07d", (int(sum[5])<<16|int(sum[6])<<8|int(sum[7]))%10000000),
		DateOfBirth:   fmt.Sprintf("%04d-%02d-%02d", year, month, day),
		NationalID:    swedishPersonalNumber(year, month, day, serial%1000),
		StreetAddress: "Testgatan " + fmt.Sprint(1+int(sum[8])%99), PostalCode: "11122", City: "Stockholm", Country: "SE",
	}
}

// swedishPersonalNumber builds YYYYMMDDNNNC with a valid Luhn check digit C over YYMMDDNNN.
func swedishPersonalNumber(year, month, day, serial int) string {
	base := fmt.Sprintf("%02d%02d%02d%03d", year%100, month, day, serial)
	sum := 0
	for i, r := range base {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%04d%s%d", year, base[2:], (10-sum%10)%10)
}

// testEmail is one row of the scenario list (GET /sandbox/v1/scenarios).
type testEmail struct {
	Email   string `json:"email"`
	Outcome string `json:"outcome"`
}

// klarnaTestEmails lists the e-mails (and the failing code) the authorize dialog and the hosted payment
// page react to.
func klarnaTestEmails() []testEmail {
	return []testEmail{
		{Email: "customer@email.se", Outcome: "approved as Alice Test (194103219202, Stockholm), or as the persona in a persona's Payway purchase (except the account-sync conflict personas); any code except 999999"},
		{Email: "customer+denied@email.se", Outcome: "hard rejection: {approved:false, show_form:false} (also customer+denied+<anything>@email.se)"},
		{Email: "customer+<tag>@email.se", Outcome: "approved as Alice Test, e.g. customer+new_user@email.se"},
		{Email: "<anything>@<domain>", Outcome: "approved as a generated person named after the local part (jane.doe -> Jane Doe)"},
		{Email: "not-an-email", Outcome: "fixable rejection: invalid_fields [billing_address.email]"},
		{Email: "code 999999", Outcome: "fixable rejection: {approved:false, show_form:true}"},
	}
}

// personaCustomer is the Klarna customer behind a persona's saved token: the persona's own details.
func personaCustomer(p Persona) kpCustomer {
	street := strings.TrimSpace(p.Address.Street + " " + p.Address.StreetNumber)
	return kpCustomer{
		Email: p.Email, GivenName: p.FirstName, FamilyName: p.LastName, Phone: p.MobilePhoneNumber,
		DateOfBirth: p.BirthDate, NationalID: nationalIDFromSSN(p.BirthDate, p.SocialSecurityNumber),
		StreetAddress: street, PostalCode: p.Address.ZipCode, City: p.Address.City, Country: p.Address.CountryCode,
	}
}

// nationalIDFromSSN turns Payway's dddddd-dddd into Klarna's 12 digits, taking the century from the birth
// date.
func nationalIDFromSSN(birthDate, ssn string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, ssn)
	if len(digits) == 10 && len(birthDate) >= 2 {
		return birthDate[:2] + digits
	}
	return digits
}

// seedKlarnaToken creates the persona's two Klarna customer tokens: the on-demand token the app saved at
// an earlier one-click purchase (Persona.KlarnaToken: its status, method and behaviour are the scenario;
// the app adopts it at login in sandbox mode, see GET /sandbox/v1/app-token) and the subscription token
// Payway keeps for the persona's renewals (always active, never offered a step-up, named only by
// Payway's payment profile). An existing token is left alone: sandbox activity (a step-up that changed
// the payment method, a cancellation) survives restarts, and POST /sandbox/v1/reset brings the seeded
// state back.
func seedKlarnaToken(ctx context.Context, tx *txn, p Persona, now time.Time) error {
	t := p.KlarnaToken
	if t == nil {
		return nil
	}
	since := now.Add(-personaProductsSince)
	sub := kpCustomerToken{
		TokenID: personaSubscriptionTokenID(p.Email), Status: "ACTIVE", PaymentMethodType: "CARD",
		Behaviour: tokenBehaviourOK, Description: "Subscription of " + p.Email, Customer: personaCustomer(p),
		Kind: tokenKindSubscription, CardBrand: "VISA", CardExpiry: "12/2030", CreatedAt: since, UpdatedAt: since,
	}
	sub.MaskedNumber = maskedNumberFor(sub.PaymentMethodType, sub.TokenID)
	if err := insertCustomerToken(ctx, tx, sub, true); err != nil {
		return err
	}
	if t.Missing {
		return nil
	}
	tok := kpCustomerToken{
		TokenID: t.TokenID, Status: t.Status, PaymentMethodType: t.PaymentMethodType, MaskedNumber: t.MaskedNumber,
		Behaviour: t.Behaviour, Description: "One-click purchases of " + p.Email, Customer: personaCustomer(p),
		Kind: tokenKindOnDemand, CreatedAt: since, UpdatedAt: since,
	}
	if tok.Status == "" {
		tok.Status = "ACTIVE"
	}
	if tok.PaymentMethodType == "" {
		tok.PaymentMethodType = "CARD"
	}
	if tok.Behaviour == "" {
		tok.Behaviour = tokenBehaviourOK
	}
	if tok.PaymentMethodType == "CARD" {
		tok.CardBrand, tok.CardExpiry = "VISA", "12/2030"
	}
	if tok.MaskedNumber == "" {
		tok.MaskedNumber = maskedNumberFor(tok.PaymentMethodType, tok.TokenID)
	}
	if err := insertCustomerToken(ctx, tx, tok, true); err != nil {
		return err
	}
	// An older sandbox had this token in the persona's payment profile, which migration 4 took for a
	// subscription token: it is the app's on-demand token.
	_, err := tx.ExecContext(ctx, `UPDATE kp_customer_tokens SET kind = ? WHERE token_id = ?`, tokenKindOnDemand, tok.TokenID)
	if err != nil {
		return fmt.Errorf("sandbox: seed token kind: %w", err)
	}
	return nil
}

// customerJSON is how a kpCustomer is stored.
func customerJSON(c kpCustomer) string {
	b, _ := json.Marshal(c) // a struct of strings always encodes
	return string(b)
}
