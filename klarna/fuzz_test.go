package klarna

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paywall/paywall/internal/apilog"
)

// FuzzDecodeResponse feeds arbitrary statuses, correlation headers and bodies to the response decoder:
// it must never panic, every non-2xx status must become an *Error carrying that status, readable
// messages and a correlation id when one was sent, and a success must only be reported for JSON that
// decodes into the target.
func FuzzDecodeResponse(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"order_id":"o1","fraud_status":"ACCEPTED","authorized_payment_method":{"type":"invoice"}}`},
		{200, `{"order_id":"o1","authorized_payment_method":"invoice"}`},
		{200, `{"authorized_payment_method":42}`},
		{200, ``},
		{204, ``},
		{400, `{"error_code":"BAD_VALUE","error_messages":["Bad value: order_lines[0].total_tax_amount"],"correlation_id":"c1"}`},
		{403, `{"correlation_id":"c2","error_code":"UNAVAILABLE_PAYMENT_METHOD","error_messages":["Purchase for payment method failed"],"fraud_status":"REJECTED","reason":"r","authorized_payment_method":{"type":"card"},"step_up_id":"s1"}`},
		{403, `{"error_code":"X","authorized_payment_method":"card","error_messages":"one"}`},
		{404, `{"error_code":7,"error_messages":[1,"two",null]}`},
		{401, ``},
		{500, "\xff\xfe<html>" + strings.Repeat("x", 1000)},
		{302, `{}`},
		{0, `null`},
	}
	for _, s := range seeds {
		f.Add(s.status, "", []byte(s.body))
		f.Add(s.status, "hdr-1", []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, correlation string, body []byte) {
		var o Order
		err := decodeResponse(status, correlation, body, &o)
		if status < 200 || status > 299 {
			var ke *Error
			if !errors.As(err, &ke) {
				t.Fatalf("status %d: error %v (%T), want *Error", status, err, err)
			}
			if ke.Status != status {
				t.Fatalf("Status = %d, want %d", ke.Status, status)
			}
			if correlation != "" && ke.CorrelationID == "" {
				t.Fatal("correlation id from the header lost")
			}
			for _, m := range ke.ErrorMessages {
				if !utf8.ValidString(m) || len(m) > apilog.MaxExcerpt+len("…") {
					t.Fatalf("message %q is not bounded valid UTF-8", m)
				}
			}
			_ = ke.Error()
			return
		}
		if err != nil {
			return
		}
		var probe Order
		if json.Unmarshal(body, &probe) != nil {
			t.Fatalf("success reported for a body that does not decode: %q", body)
		}
		if probe != o {
			t.Fatalf("decoded %+v, want %+v", o, probe)
		}
		if err := decodeResponse(status, correlation, body, nil); err != nil {
			t.Fatalf("nil target: %v", err)
		}
	})
}

// FuzzDecodeHPPStatusCallback: callbacks come from the network too.
func FuzzDecodeHPPStatusCallback(f *testing.F) {
	f.Add([]byte(`{"event_id":"e1","session":{"session_id":"s1","status":"IN_PROGRESS","updated_at":"2019-05-13T14:51:46.288Z","expires_at":"2019-05-15T13:51:43.507Z"}}`))
	f.Add([]byte(`{"event_id":"e1","session":{"session_id":"s1"}}`))
	f.Add([]byte(`{"event_id":"e1","session":{"session_id":"s1","status":"X","updated_at":"yesterday"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := DecodeHPPStatusCallback(body)
		if err == nil && (cb.EventID == "" || cb.Session.SessionID == "" || cb.Session.Status == "") {
			t.Fatalf("accepted an incomplete callback: %+v", cb)
		}
	})
}

func TestNewLineTaxAddsUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quantity, unitPrice, taxRate, wantTotal, wantTax int64
	}{
		{1, 13900, 600, 13900, 787},
		{1, 139000, 600, 139000, 7868},
		{3, 9900, 2500, 29700, 5940},
		{1, 0, 600, 0, 0},
		{1, -4000, 600, -4000, -226},
		{2, 12345, 1200, 24690, 2645},
	}
	for _, tt := range tests {
		l := NewLine("x", "r", tt.quantity, tt.unitPrice, tt.taxRate)
		if l.TotalAmount != tt.wantTotal || l.TotalTaxAmount != tt.wantTax {
			t.Errorf("NewLine(%d × %d @ %d) = total %d tax %d, want %d %d", tt.quantity, tt.unitPrice, tt.taxRate,
				l.TotalAmount, l.TotalTaxAmount, tt.wantTotal, tt.wantTax)
		}
		// Klarna's check: within ±1 of total - total*10000/(10000+rate).
		ref := l.TotalAmount - l.TotalAmount*10000/(10000+l.TaxRate)
		if d := l.TotalTaxAmount - ref; d < -1 || d > 1 {
			t.Errorf("tax %d is %d away from Klarna's %d", l.TotalTaxAmount, d, ref)
		}
	}
	c := NewCart("SE", "SEK", "sv-SE", NewLine("a", "a", 1, 13900, 600), NewLine("b", "b", 2, 500, 2500).WithDiscount(100))
	if c.OrderAmount != 13900+900 || c.OrderTaxAmount != 787+180 {
		t.Errorf("cart sums = %d / %d", c.OrderAmount, c.OrderTaxAmount)
	}
}
