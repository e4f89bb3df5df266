package sandbox

import (
	"net/http"
	"slices"
	"testing"
)

// TestPaymentCategoriesByMerchant: a session offers the one klarna category of Klarna's current guide;
// the categories merchant's sessions offer the separate categories, and keep them through an update;
// Payway's trial sessions stay direct debit only.
func TestPaymentCategoriesByMerchant(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	ids := func(a klarnaAnswer) []string {
		var out []string
		cats, _ := a.body["payment_method_categories"].([]any)
		for _, c := range cats {
			m, _ := c.(map[string]any)
			id, _ := m["identifier"].(string)
			out = append(out, id)
		}
		return out
	}
	tests := []struct {
		user string
		want []string
	}{
		{KlarnaUsername, []string{"klarna"}},
		{KlarnaSeparateCategoriesUsername, []string{"klarna", "pay_later", "pay_now", "direct_debit"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			created := klarnaCall(t, srv, tt.user, http.MethodPost, "/payments/v1/sessions", sessionJSON(t, nil), nil)
			if created.status != http.StatusOK || !slices.Equal(ids(created), tt.want) {
				t.Fatalf("create session = %d %v, want %v", created.status, ids(created), tt.want)
			}
			id, _ := created.body["session_id"].(string)
			// An update keeps them: they are the merchant's, not the request's.
			if u := klarnaCall(t, srv, tt.user, http.MethodPost, "/payments/v1/sessions/"+id,
				sessionJSON(t, map[string]any{"merchant_reference1": "r"}), nil); u.status != http.StatusNoContent {
				t.Fatalf("update: %d %s", u.status, u.raw)
			}
			read := klarnaCall(t, srv, tt.user, http.MethodGet, "/payments/v1/sessions/"+id, "", nil)
			if !slices.Equal(ids(read), tt.want) {
				t.Errorf("read after update = %v, want %v", ids(read), tt.want)
			}
			for _, c := range tt.want {
				res, kerr := s.kpAuthorize(t.Context(), authorizeInput{SessionID: id, Email: "customer@email.se", Category: c})
				if kerr != nil || !res.Approved {
					t.Errorf("authorize %s: %+v %v", c, res, kerr)
				}
			}
			if !slices.Contains(tt.want, "direct_debit") {
				_, kerr := s.kpAuthorize(t.Context(), authorizeInput{SessionID: id, Email: "customer@email.se", Category: "direct_debit"})
				if kerr == nil || kerr.Messages[0] != "Bad value: payment_method_category" {
					t.Errorf("authorize a category not offered: %v", kerr)
				}
			}
		})
	}
	t.Run("trial", func(t *testing.T) {
		t.Parallel()
		sess, kerr := s.kpCreateSession(t.Context(), kpSessionInput{Cart: klarnaTestCart(), Categories: []string{"direct_debit"}})
		if kerr != nil || len(sess.Categories) != 1 || sess.Categories[0].Identifier != "direct_debit" {
			t.Errorf("trial session = %+v, %v", sess.Categories, kerr)
		}
	})
}

// TestMerchantCredentials: each merchant needs the sandbox password; an unknown merchant gets 401.
func TestMerchantCredentials(t *testing.T) {
	t.Parallel()
	_, srv := klarnaAPIServer(t)
	for _, tt := range []struct {
		user, pass string
		status     int
	}{
		{KlarnaUsername, KlarnaPassword, http.StatusOK},
		{KlarnaSeparateCategoriesUsername, KlarnaPassword, http.StatusOK},
		{KlarnaSeparateCategoriesUsername, "nope", http.StatusUnauthorized},
		{"PK_SANDBOX_someone", KlarnaPassword, http.StatusUnauthorized},
		{"", "", http.StatusUnauthorized},
	} {
		t.Run(tt.user+"/"+tt.pass, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/customer-token/v1/tokens/"+
				"00000000-0000-0000-0000-000000000000", nil)
			req.SetBasicAuth(tt.user, tt.pass)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := tt.status
			if want == http.StatusOK {
				want = http.StatusNotFound // authenticated: the token is unknown
			}
			if resp.StatusCode != want {
				t.Errorf("status %d, want %d", resp.StatusCode, want)
			}
		})
	}
}
