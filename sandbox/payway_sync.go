package sandbox

import (
	"net/http"
	"strings"
	"unicode"
)

// Account sync: after a regular place_order Payway complements the account from the Klarna customer
// behind the authorization (implementation guide step 6): name, account address (billing address),
// birth date, SSN, mobile number, and the order's delivery address.
//
// Rules the sandbox applies:
//   - Klarna's data takes precedence; with disable_account_info_overwrite (set at create_session) it
//     only fills fields the account has empty.
//   - Conflicts are persona-driven (Persona.Purchase), so every demo is predictable: with the matching
//     raise_on_* flag the purchase fails with 409 and nothing is charged; without it the purchase
//     succeeds and the conflicting fields are left as they were.
//   - Trial orders sync nothing: Payway gets no account information from Klarna until the first
//     recurring charge.

// raiseFlags are place_order's raise_on_* parameters with Payway's documented defaults applied.
type raiseFlags struct {
	SSNAlreadyTaken, SSNAlreadySet, AccountUpdate, DeliveryAddress bool
}

// syncConflict is the 409 a persona's conflict raises, and which fields it concerns.
type syncConflict struct {
	code, message string
	raised        func(raiseFlags) bool
	// leaveAlone restores the fields the failed update would have changed.
	leaveAlone func(synced *accountSync, before account)
}

// syncConflicts maps Persona.Purchase values to the conflict they cause.
func syncConflicts() map[string]syncConflict {
	keepSSN := func(a *accountSync, before account) { a.SocialSecurityNumber = before.SocialSecurityNumber }
	return map[string]syncConflict{
		PurchaseSSNTaken: {
			code: "ssn_already_taken", message: "The social security number is already used by another account",
			raised: func(f raiseFlags) bool { return f.SSNAlreadyTaken }, leaveAlone: keepSSN,
		},
		PurchaseSSNSet: {
			code: "ssn_already_set", message: "The account already has a social security number",
			raised: func(f raiseFlags) bool { return f.SSNAlreadySet }, leaveAlone: keepSSN,
		},
		PurchaseAccountUpdate: {
			code: "account_update_failed", message: "The account could not be updated with the details from Klarna",
			raised: func(f raiseFlags) bool { return f.AccountUpdate },
			leaveAlone: func(a *accountSync, before account) { // an account update is name, birth date and address
				a.FirstName, a.LastName, a.BirthDate, a.Address = before.FirstName, before.LastName, before.BirthDate, before.Address
			},
		},
		PurchaseDeliveryAddress: {
			code: "delivery_address_invalid", message: "The delivery address from Klarna did not pass validation",
			raised: func(f raiseFlags) bool { return f.DeliveryAddress }, leaveAlone: func(*accountSync, account) {},
		},
	}
}

// conflictError returns the 409 for behaviour under flags, or nil when the purchase goes ahead.
func conflictError(behaviour string, flags raiseFlags) *paywayError {
	c, ok := syncConflicts()[behaviour]
	if !ok || !c.raised(flags) {
		return nil
	}
	return &paywayError{status: http.StatusConflict, Code: c.code, Message: c.message}
}

// syncAccount computes the account after the update from cust, and the order's delivery address
// (empty when the delivery-address conflict left it out).
func syncAccount(before account, cust kpCustomer, behaviour string, noOverwrite bool) (accountSync, Address) {
	first, last := cust.GivenName, cust.FamilyName
	street, number := splitStreet(cust.StreetAddress)
	klarnaAddr := Address{
		FirstName: first, LastName: last, Street: street, StreetNumber: number,
		ZipCode: strings.ReplaceAll(cust.PostalCode, " ", ""), City: cust.City, CountryCode: strings.ToUpper(cust.Country),
		MobileNumber: cust.Phone,
	}
	pick := func(old, klarna string) string {
		if klarna == "" || (noOverwrite && old != "") {
			return old
		}
		return klarna
	}
	synced := accountSync{
		FirstName:            pick(before.FirstName, first),
		LastName:             pick(before.LastName, last),
		BirthDate:            pick(before.BirthDate, cust.DateOfBirth),
		SocialSecurityNumber: pick(before.SocialSecurityNumber, paywaySSN(cust.NationalID)),
		MobilePhoneNumber:    pick(before.MobilePhoneNumber, cust.Phone),
		Address:              before.Address,
	}
	if klarnaAddr.Street != "" && (!noOverwrite || before.Address.Street == "") {
		synced.Address = klarnaAddr
	}
	delivery := klarnaAddr
	if c, ok := syncConflicts()[behaviour]; ok {
		c.leaveAlone(&synced, before)
		if behaviour == PurchaseDeliveryAddress {
			delivery = Address{}
		}
	}
	return synced, delivery
}

// paywaySSN turns Klarna's national identification number (SE194103219202, 19410321-9202 or
// 4103219202) into Payway's dddddd-dddd form; "" when it is not a Swedish personal number.
func paywaySSN(nationalID string) string {
	var digits strings.Builder
	for _, r := range nationalID {
		if unicode.IsDigit(r) {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if len(d) == 12 {
		d = d[2:]
	}
	if len(d) != 10 {
		return ""
	}
	return d[:6] + "-" + d[6:]
}

// splitStreet splits "Södra Blasieholmshamnen 2" into street and street number, as Payway's Address
// keeps them apart; an address without a trailing number stays whole.
func splitStreet(s string) (street, number string) {
	s = strings.TrimSpace(s)
	i := strings.LastIndex(s, " ")
	if i < 0 || !unicode.IsDigit(rune(s[i+1])) {
		return s, ""
	}
	return s[:i], s[i+1:]
}
