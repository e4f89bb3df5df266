package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Persona is a seeded sandbox customer that demonstrates one scenario. Each scenario the sandbox offers
// is reachable by logging in as a persona, so demos and tests need no setup calls.
//
// New attributes (Klarna debt, SSN conflicts, saved Klarna customer tokens, ...) are added as fields
// here, a migration for where they live, and a seeder in personaSeeders; existing personas leave the new
// fields zero and are unaffected.
type Persona struct {
	Email, Password, FirstName, LastName string
	// Products are the product codes the persona has active from the start (access checks use them).
	Products []string
	// Demonstrates says in one line what the persona is for; the demo page and scenario list show it.
	Demonstrates string

	CustomerNumber       string
	MobilePhoneNumber    string
	BirthDate            string // YYYY-MM-DD
	SocialSecurityNumber string // dddddd-dddd
	Address              Address

	// KlarnaToken is the on-demand Klarna customer token the app saved for the persona's one-click
	// purchases (as if an earlier first purchase had made it); nil means none. The Klarna core seeds it,
	// the control API hands it to the app (GET /sandbox/v1/app-token), which adopts it at login in sandbox
	// mode. Such a persona is a subscriber: Payway also keeps a subscription token of its own for it,
	// named by its payment profile and never by the app.
	KlarnaToken *PersonaToken
	// Purchase is how Payway's place_order treats this persona ("" = fine): PurchaseDebt (403 payment
	// method failed) or one of the account-sync conflicts (PurchaseSSNTaken, PurchaseSSNSet,
	// PurchaseAccountUpdate, PurchaseDeliveryAddress), raised only when the matching raise_on_* flag is set.
	Purchase string
	// KlarnaCategories are the payment categories Klarna offers in the persona's Payway purchase sessions
	// of regular offers (trials stay direct debit only); nil means the default, the one klarna category of
	// Klarna's current guide. Which categories a customer sees is Klarna's decision; a persona makes the
	// several-categories checkout one login away.
	KlarnaCategories []string
}

// klarnaIdentity is the person the sandbox's Klarna knows the persona as when they pay for a purchase
// Payway opened for them: the persona's own name, birth date, personal number, phone and address, so
// Payway's account sync (which takes Klarna's details) keeps the account as it is. ok is false for the
// account-sync conflict personas (PurchaseSSNTaken, PurchaseSSNSet, PurchaseAccountUpdate,
// PurchaseDeliveryAddress), which exist to show Klarna's details differing from the account's: for them
// Klarna's person is the one the e-mail typed in Klarna's dialog names (Alice Test for customer@email.se,
// klarna_customers.go).
func (p Persona) klarnaIdentity() (kpCustomer, bool) {
	if _, conflict := syncConflicts()[p.Purchase]; conflict {
		return kpCustomer{}, false
	}
	return personaCustomer(p), true
}

// personasByAccount indexes the personas by their Payway account's id, once per server: every purchase
// session asks whose account it is, and building the list and hashing every e-mail per ask was a twelfth
// of what the sandbox allocated under purchase journeys.
func personasByAccount() map[string]Persona {
	byID := map[string]Persona{}
	for _, p := range Personas() {
		byID[personaID(p.Email)] = p
	}
	return byID
}

// personaOfAccount is the persona whose Payway account has the id; ok is false for any other account.
func (s *Server) personaOfAccount(accountID string) (Persona, bool) {
	p, ok := s.personas[accountID]
	return p, ok
}

// PersonaToken describes the app's saved (on-demand) Klarna customer token of a persona.
type PersonaToken struct {
	TokenID           string
	Status            string // ACTIVE, CANCELLED, SUSPENDED; "" with Missing
	PaymentMethodType string // CARD, INVOICE, DIRECT_DEBIT
	MaskedNumber      string
	Behaviour         string // ok, step_up, payment_method_failed
	// Missing means the app's saved token is one Klarna does not know (TOKEN_NOT_FOUND).
	Missing bool
}

// Purchase behaviours of personas in Payway's place_order.
const (
	PurchaseDebt            = "debt"
	PurchaseSSNTaken        = "ssn_already_taken"
	PurchaseSSNSet          = "ssn_already_set"
	PurchaseAccountUpdate   = "account_update"
	PurchaseDeliveryAddress = "delivery_address"
)

// Address is Payway's Address shape (API input and output format); empty fields are omitted.
type Address struct {
	FirstName         string `json:"first_name,omitempty"`
	LastName          string `json:"last_name,omitempty"`
	CompanyName       string `json:"company_name,omitempty"`
	CompanyDepartment string `json:"company_department,omitempty"`
	CompanyReference  string `json:"company_reference,omitempty"`
	CareOf            string `json:"care_of,omitempty"`
	Street            string `json:"street,omitempty"`
	StreetNumber      string `json:"street_number,omitempty"`
	Staircase         string `json:"staircase,omitempty"`
	Floor             string `json:"floor,omitempty"`
	Apartment         string `json:"apartment,omitempty"`
	ApartmentNumber   string `json:"apartment_number,omitempty"`
	DropBox           string `json:"drop_box,omitempty"`
	ZipCode           string `json:"zip_code,omitempty"`
	City              string `json:"city,omitempty"`
	CountryCode       string `json:"country_code,omitempty"`
	MobileNumber      string `json:"mobile_number,omitempty"`
	PhoneNumber       string `json:"phone_number,omitempty"`
	ContactEmail      string `json:"contact_email,omitempty"`
}

// DemoPassword is every persona's password; it is public on purpose (shown on the demo page and in
// README). The control API does not list it: callers that log personas in (the demo console, the bench)
// take it from here.
const DemoPassword = "paywall-demo"

// demoPassword is DemoPassword inside the package.
const demoPassword = DemoPassword

// Personas lists the seeded customers. It returns a fresh slice each call, so callers may modify it.
func Personas() []Persona {
	return append([]Persona{
		{
			Email: "reader@example.se", Password: demoPassword, FirstName: "Rita", LastName: "Reader",
			Demonstrates:   "a reader who hits the paywall",
			CustomerNumber: "100001", MobilePhoneNumber: "+46701740605", BirthDate: "1985-03-14",
			SocialSecurityNumber: "850314-1239",
			Address: Address{FirstName: "Rita", LastName: "Reader", Street: "Storgatan", StreetNumber: "12",
				ZipCode: "11122", City: "Stockholm", CountryCode: "SE"},
		},
		{
			Email: "subscriber@example.se", Password: demoPassword, FirstName: "Sam", LastName: "Subscriber",
			Products:       []string{"digital"},
			Demonstrates:   "a reader with access",
			CustomerNumber: "100002", MobilePhoneNumber: "+46701740606", BirthDate: "1978-09-22",
			SocialSecurityNumber: "780922-4566",
			Address: Address{FirstName: "Sam", LastName: "Subscriber", Street: "Kungsgatan", StreetNumber: "4",
				Floor: "3", ZipCode: "41119", City: "Göteborg", CountryCode: "SE"},
		},
	}, purchasePersonas()...) // payway_personas.go
}

// personaID derives a stable 24-hex Payway id from the e-mail, so ids survive restarts and resets.
func personaID(email string) string {
	sum := sha256.Sum256([]byte("sandbox-account:" + strings.ToLower(email)))
	return hex.EncodeToString(sum[:12])
}

// passwordHash is how the sandbox stores passwords. A fast hash is enough: these are public demo
// passwords, hashed only so that no code path ever compares plain text.
func passwordHash(password string) string {
	sum := sha256.Sum256([]byte("sandbox-password:" + password))
	return hex.EncodeToString(sum[:])
}

// personaSeeder writes one aspect of a persona. Adding an aspect means adding a seeder, not editing
// the others.
type personaSeeder func(ctx context.Context, tx *txn, p Persona, now time.Time) error

func personaSeeders() []personaSeeder {
	return []personaSeeder{seedAccount, seedProducts, seedPaymentProfile, seedPurchaseBehaviour, seedKlarnaToken}
}

// seed upserts all personas in one transaction. It is idempotent, so it runs at every start and keeps
// persona attributes in line with the code while leaving sandbox activity (tokens, purchases) alone.
func (s *store) seed(ctx context.Context, personas []Persona, now time.Time) error {
	return s.inTx(ctx, func(tx *txn) error {
		for _, p := range personas {
			for _, fn := range personaSeeders() {
				if err := fn(ctx, tx, p, now); err != nil {
					return fmt.Errorf("persona %s: %w", p.Email, err)
				}
			}
		}
		return nil
	})
}

func seedAccount(ctx context.Context, tx *txn, p Persona, now time.Time) error {
	return upsertAccount(ctx, tx, account{
		ID: personaID(p.Email), Email: p.Email, PasswordSHA256: passwordHash(p.Password),
		Status: "active", Verified: true, CustomerNumber: p.CustomerNumber,
		FirstName: p.FirstName, LastName: p.LastName, MobilePhoneNumber: p.MobilePhoneNumber,
		BirthDate: p.BirthDate, SocialSecurityNumber: p.SocialSecurityNumber, Address: p.Address,
	}, now)
}

// personaProductsSince is how long before seeding a persona's products started, so they are active
// even when a test later moves the clock back a little.
const personaProductsSince = 30 * 24 * time.Hour

func seedProducts(ctx context.Context, tx *txn, p Persona, now time.Time) error {
	for _, code := range p.Products {
		if err := grantProduct(ctx, tx, personaID(p.Email), code, now.Add(-personaProductsSince)); err != nil {
			return err
		}
	}
	return nil
}
