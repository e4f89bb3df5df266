package payway

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
)

// decodeItemTwice is the two-pass decoding decodeItem replaced (the envelope into a json.RawMessage, then
// the item), kept as the oracle of TestDecodeItemIsTheTwoPassDecoding.
func decodeItemTwice(body []byte, out any) error {
	var e struct {
		Item json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return err
	}
	if len(e.Item) == 0 || bytes.Equal(e.Item, []byte("null")) {
		return errNoItem
	}
	return json.Unmarshal(e.Item, out)
}

// TestDecodeItemIsTheTwoPassDecoding holds the one-pass decoding of a wrapped answer to the two-pass one:
// the same value, and an error in the same cases (a missing or null item is errNoItem in both).
func TestDecodeItemIsTheTwoPassDecoding(t *testing.T) {
	t.Parallel()
	order, err := os.ReadFile("testdata/order_documented.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		out  func() any // a fresh pointer to decode into
	}{
		{"Payway's documented order", string(order), func() any { return new(Order) }},
		{"an account", `{"item":{"id":"585a4768edce2c5e6f000001","email":"a@b.se","address":{"city":"Umeå"}}}`, func() any { return new(Account) }},
		{"an empty item", `{"item":{}}`, func() any { return new(Account) }},
		{"a null item", `{"item":null}`, func() any { return new(Account) }},
		{"no item", `{"items":[{"id":"x"}]}`, func() any { return new(Account) }},
		{"an item only deeper down", `{"data":{"item":{"id":"x"}}}`, func() any { return new(Account) }},
		{"an item of the wrong type", `{"item":5}`, func() any { return new(Account) }},
		{"a field of the wrong type", `{"item":{"id":7}}`, func() any { return new(Account) }},
		{"the item twice", `{"item":{"id":"a"},"item":{"id":"b"}}`, func() any { return new(Account) }},
		{"other keys around it", `{"meta":{"x":[1,2]},"item":{"id":"x"},"z":null}`, func() any { return new(Account) }},
		{"a list item", `{"item":{"active_products":["digital","paper"]}}`, func() any {
			return new(struct {
				ActiveProducts []string `json:"active_products"`
			})
		}},
		{"not JSON", `{"item":`, func() any { return new(Account) }},
		{"an empty body", ``, func() any { return new(Account) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.out(), tt.out()
			gotErr, wantErr := decodeItem([]byte(tt.body), got), decodeItemTwice([]byte(tt.body), want)
			if (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, errNoItem) != errors.Is(wantErr, errNoItem) {
				t.Fatalf("error %v, the two-pass decoding's %v", gotErr, wantErr)
			}
			if gotErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("decoded %+v, the two-pass decoding %+v", got, want)
			}
		})
	}
}

// BenchmarkDecodeItem decodes Payway's documented order answer both ways (go test ./payway -bench DecodeItem).
func BenchmarkDecodeItem(b *testing.B) {
	body, err := os.ReadFile("testdata/order_documented.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name   string
		decode func([]byte, any) error
	}{{"one pass", decodeItem}, {"two passes", decodeItemTwice}} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var o Order
				if err := bm.decode(body, &o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
