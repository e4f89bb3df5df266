package checkout_test

import (
	"regexp"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// A reference is short, made of characters that cannot be misheard (no I, L, O, U), stable for a
// purchase, and leads customer service back to the purchase id however it is typed.
func TestReference(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^NT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)
	for range 200 {
		id, err := checkout.NewID()
		if err != nil {
			t.Fatal(err)
		}
		ref := checkout.Reference(id)
		if !shape.MatchString(ref) || checkout.Reference(id) != ref {
			t.Fatalf("Reference(%s) = %q", id, ref)
		}
		if prefix, ok := checkout.ReferenceIDPrefix(ref); !ok || prefix != id[:8] {
			t.Fatalf("ReferenceIDPrefix(%q) = %q, %v; want %q", ref, prefix, ok, id[:8])
		}
	}

	const id = "00000000000000000000000000000000"
	tests := []struct {
		name, typed, want string
		ok                bool
	}{
		{"as shown", "NT-0000-0000", "00000000", true},
		{"lower case, no dashes", "nt00000000", "00000000", true},
		{"without the initials, with spaces", "0000 0000", "00000000", true},
		{"O for zero", "NT-OOOO-0000", "00000000", true},
		{"I and L for one", "NT-0000-00IL", "00000011", true},
		{"too short", "NT-0000-000", "", false},
		{"U is no character of a reference", "NT-0000-000U", "", false},
		{"a Klarna order id", "3eaeb557-5e30-47f8-b840-b8d987f5945d", "", false},
	}
	if got := checkout.Reference(id); got != "NT-0000-0000" {
		t.Fatalf("Reference(%s) = %q", id, got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := checkout.ReferenceIDPrefix(tt.typed)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ReferenceIDPrefix(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.ok)
			}
		})
	}
	if got := checkout.Reference("p1"); got != "P1" {
		t.Errorf("an id that is not NewID's: %q", got)
	}
}
