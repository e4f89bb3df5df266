package payway

import (
	"os"
	"testing"
)

// TestPaymentProfilesDocumentedExample decodes Payway's documented payment_profile example (reference
// §4.4, testdata/payment_profile.json) and the variants the documentation allows, with the client's own
// decoder: a list in "items", meta_data null or an object, and no Klarna customer token anywhere.
func TestPaymentProfilesDocumentedExample(t *testing.T) {
	t.Parallel()
	documented, err := os.ReadFile("testdata/payment_profile.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    string
		want    []PaymentProfile
		wantErr bool
	}{
		{name: "documented example", body: string(documented), want: []PaymentProfile{{
			ID: "<24-hex>", AccountID: "<24-hex>", PaymentOption: "adyen", Type: "klarna_paynow",
			DefaultProfile: true, State: "active",
			MetaData: &ProfileMetaData{MaskedNumber: "…", ExpiryMonth: "…", ExpiryYear: "…", Brand: "…"},
		}}},
		{name: "meta_data null", body: `{"items":[{"id":"585a4768edce2c5e6f000001","account_id":"585a4768edce2c5e6f000002","payment_option":"klarna_payments","type":"klarna_direct_debit","default_profile":false,"state":"active","meta_data":null,"agreements":[]}]}`,
			want: []PaymentProfile{{ID: "585a4768edce2c5e6f000001", AccountID: "585a4768edce2c5e6f000002",
				PaymentOption: "klarna_payments", Type: "klarna_direct_debit", State: "active"}}},
		{name: "expiry as numbers", body: `{"items":[{"id":"a","meta_data":{"masked_number":"************1111","expiry_month":3,"expiry_year":2030,"brand":"visa"},"agreements":[]}]}`,
			want: []PaymentProfile{{ID: "a", MetaData: &ProfileMetaData{MaskedNumber: "************1111", ExpiryMonth: "3", ExpiryYear: "2030", Brand: "visa"}}}},
		{name: "no profiles", body: `{"items":[]}`, want: []PaymentProfile{}},
		{name: "the invented item shape", body: `{"item":{"payment_option":"klarna_payments","klarna_customer_token":"t"}}`, wantErr: true},
		{name: "meta_data of the wrong type", body: `{"items":[{"meta_data":{"expiry_month":true}}]}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var list profileList
			err := decodeResponse(200, []byte(tt.body), bare, &list)
			var got []PaymentProfile
			if err == nil {
				got, err = list.profiles()
			}
			if tt.wantErr {
				if err == nil {
					t.Fatalf("decoded %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d profiles, want %d", len(got), len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.ID != w.ID || g.AccountID != w.AccountID || g.PaymentOption != w.PaymentOption || g.Type != w.Type ||
					g.DefaultProfile != w.DefaultProfile || g.State != w.State {
					t.Errorf("profile %d = %+v, want %+v", i, g, w)
				}
				if (g.MetaData == nil) != (w.MetaData == nil) || (g.MetaData != nil && *g.MetaData != *w.MetaData) {
					t.Errorf("profile %d meta_data = %+v, want %+v", i, g.MetaData, w.MetaData)
				}
			}
		})
	}
}
