package payway

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// FuzzPurchaseDecoders feeds arbitrary bodies to the decoders of the purchase responses (including
// the tolerant assumed-field types): they must never panic, and a 2xx success must come from valid JSON.
func FuzzPurchaseDecoders(f *testing.F) {
	seeds := []string{
		`{"item":{"klarna_payments_session_id":"s1","klarna_client_token":"a.b.c","payment_method_categories":[{"identifier":"direct_debit","name":"Autogiro","asset_urls":{"standard":"x"}}],"expires_at":"2026-03-04T09:00:00Z"}}`,
		`{"item":{"klarna_payments_session_id":"s1","klarna_client_token":"a.b.c","payment_method_categories":["pay_now",null,{}],"expires_at":1772614800}}`,
		`{"item":{"expires_at":"2026-03-04 09:00:00"}}`,
		`{"item":{"expires_at":"soon"}}`,
		`{"item":{"expires_at":null,"payment_method_categories":null}}`,
		`{"item":{"order_id":"SANDBOX-1001","redirect_uri":"http://127.0.0.1:8081/kp/redirect/x","state":"closed"}}`,
		`{"item":{"id":"585a4768edce2c5e6f000001","order_id":"X-1","payments":[{"payment_result":{"amount":"13900","error_code":null},"amount":139.0,"payment_type":"autopay"}],"order_detail":{"period_info":{"length":1},"vat_code":"6"},"addresses":{"city":"Umeå"},"parent_order_id":null}}`,
		`{"item":{"payments":[{"payment_result":{"amount":13900}}],"addresses":[{"city":"Umeå"},{}]}}`,
		`{"item":{"payments":[{"payment_result":{"amount":"99.00"}}],"addresses":null}}`,
		`{"items":[{"id":"585a4768edce2c5e6f000001","payment_option":"adyen","type":"klarna_paynow","default_profile":true,"state":"active","meta_data":{"masked_number":"1111","expiry_month":3,"expiry_year":"2030","brand":"visa"},"agreements":[]}]}`,
		`{"items":[{"meta_data":null,"agreements":null}]}`,
		`{"items":null}`,
		`{"items":[{"id":"a","price":139,"iteration_length":1,"enabled":true}]}`,
		`{"items":[{"price":"139"}]}`,
		`{"item":[]}`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []struct {
			env envelope
			out any
		}{
			{itemWrap, &sessionItem{}},
			{itemWrap, &placedItem{}},
			{itemWrap, &Order{}},
			{bare, &profileList{}},
			{bare, &struct {
				Items []PaymentPeriod `json:"items"`
			}{}},
		}
		for _, tt := range targets {
			err := decodeResponse(200, body, tt.env, tt.out)
			if err == nil && !json.Valid(body) {
				t.Errorf("decoded %T from invalid JSON %q", tt.out, body)
			}
			var pe *Error
			if errors.As(err, &pe) {
				t.Errorf("a 200 became an *Error: %v", err)
			}
		}
	})
}

func TestPaymentMethodCategoryForms(t *testing.T) {
	t.Parallel()
	var got []PaymentMethodCategory
	body := `["direct_debit",{"identifier":"pay_now","name":"Betala nu","asset_urls":{"descriptive":"d","standard":"s"}}]`
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Identifier != "direct_debit" || got[0].Name != "" ||
		got[1].Identifier != "pay_now" || got[1].Name != "Betala nu" || got[1].AssetURLs.Standard != "s" {
		t.Errorf("categories = %+v", got)
	}
	if err := json.Unmarshal([]byte(`[42]`), &got); err == nil {
		t.Error("a number decoded as a category")
	}
}

func TestFlexTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`"2026-03-04T09:00:00Z"`, want, false},
		{`"2026-03-04T10:00:00+01:00"`, want, false},
		{`"2026-03-04T09:00:00.000Z"`, want, false},
		{`"2026-03-04 09:00:00"`, want, false},
		{`1772614800`, want, false},
		{`null`, time.Time{}, false},
		{`""`, time.Time{}, false},
		{`"tomorrow"`, time.Time{}, true},
		{`true`, time.Time{}, true},
	}
	for _, tt := range tests {
		var ft flexTime
		err := json.Unmarshal([]byte(tt.in), &ft)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !ft.Equal(tt.want)) {
			t.Errorf("%s: %v, %v; want %v (err %v)", tt.in, ft.Time, err, tt.want, tt.wantErr)
		}
	}
}
