package checkout

import (
	"encoding/base32"
	"strings"
)

// Order references (issue 15). Readers see one short reference for a purchase of either kind, whatever
// the upstream order id is (Payway's "SANDBOX-1001", Klarna's 36-character order id): "NT-7K3M-Q9XA".
// It is derived from our purchase id, so it is stable and needs no column, and it is made to be read
// aloud on the phone to customer service:
//
//   - the first 40 bits of the purchase id (its first 8 base32hex characters), written in Crockford's
//     base32, which has no I, L, O or U: what a reader says cannot be mistaken for another character,
//     and a customer service agent who types O for 0 or L for 1 still finds it (ReferenceIDPrefix);
//   - grouped by four after the paper's initials, so it is said in three short breaths.
//
// A reference maps to exactly one purchase id prefix (ReferenceIDPrefix): customer service finds the
// purchase with id LIKE prefix||'%'. 40 random bits make two purchases with one reference unlikely
// (about one in two hundred at 100 000 purchases, and they would almost surely be different readers'),
// so the account tells them apart if it ever happens. The upstream id stays on the pages in small print
// for the cases where Payway's or Klarna's own support needs it.

// referencePrefix opens every reference: Norrby Tidning.
const referencePrefix = "NT"

// crockford is Douglas Crockford's base32 alphabet: digits and letters without I, L, O and U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var (
	idEncoding  = base32.HexEncoding.WithPadding(base32.NoPadding)
	refEncoding = base32.NewEncoding(crockford).WithPadding(base32.NoPadding)
)

// referenceChars is how many characters of the purchase id (and of the reference) carry its 40 bits.
const referenceChars = 8

// Reference is the short order reference of a purchase id, e.g. "NT-7K3M-Q9XA". An id that is not one of
// NewID's (only in old test data) is shown upper-cased as it is.
func Reference(purchaseID string) string {
	if len(purchaseID) < referenceChars {
		return strings.ToUpper(purchaseID)
	}
	raw, err := idEncoding.DecodeString(strings.ToUpper(purchaseID[:referenceChars]))
	if err != nil {
		return strings.ToUpper(purchaseID)
	}
	code := refEncoding.EncodeToString(raw)
	return referencePrefix + "-" + code[:4] + "-" + code[4:]
}

// ReferenceIDPrefix is the purchase id prefix a reference stands for, as customer service types it: case,
// spaces, dashes and the "NT" are optional, O is read as 0 and I or L as 1. False when ref is not a
// reference.
func ReferenceIDPrefix(ref string) (string, bool) {
	s := strings.ToUpper(strings.TrimSpace(ref))
	s = strings.TrimPrefix(s, referencePrefix)
	s = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(s)
	if len(s) != referenceChars {
		return "", false
	}
	raw, err := refEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	return idEncoding.EncodeToString(raw), true
}
