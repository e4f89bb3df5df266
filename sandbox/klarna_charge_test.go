package sandbox

import "testing"

// TestChargeAuthorization checks that chargeAuthorization (Klarna's order and customer token inside
// place_order's transaction) answers as the two calls did: a refused order writes nothing, a refused token leaves the
// order in place and writes no token.
func TestChargeAuthorization(t *testing.T) {
	t.Parallel()
	validToken := tokenInput{Description: "Digital", IntendedUse: "SUBSCRIPTION", Locale: "sv-SE",
		PurchaseCountry: "SE", PurchaseCurrency: "SEK"}
	tests := []struct {
		name string
		// before runs on the fresh authorization before the charge.
		before        func(t *testing.T, s *Server, authToken string)
		token         tokenInput
		wantOrderErr  string // error_code of the order's refusal
		wantTokenErr  string // error_code of the token's refusal
		wantOrders    int
		wantNewTokens int
	}{
		{name: "order and token", token: validToken, wantOrders: 1, wantNewTokens: 1},
		{name: "token input refused: the order stands", token: tokenInput{IntendedUse: "SUBSCRIPTION",
			Locale: "sv-SE", PurchaseCountry: "SE", PurchaseCurrency: "SEK"},
			wantTokenErr: "BAD_VALUE", wantOrders: 1},
		{name: "token already made from the authorization: the order stands", token: validToken,
			before: func(t *testing.T, s *Server, authToken string) {
				if _, kerr := s.kpCreateCustomerToken(t.Context(), authToken, validToken); kerr != nil {
					t.Fatal(kerr)
				}
			},
			wantTokenErr: "INVALID_OPERATION", wantOrders: 1},
		{name: "authorization cancelled: nothing written", token: validToken,
			before: func(t *testing.T, s *Server, authToken string) {
				if err := s.kpCancelAuthorization(t.Context(), authToken); err != nil {
					t.Fatal(err)
				}
			},
			wantOrderErr: "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := klarnaTestServer(t)
			ctx := t.Context()
			c := klarnaTestCart()
			c.OrderLines[0].Subscription = &lineSubscription{Name: "Digital", Interval: "MONTH", IntervalCount: 1}
			sess, kerr := s.kpCreateSession(ctx, kpSessionInput{Cart: c, Intent: "buy_and_tokenize"})
			if kerr != nil {
				t.Fatal(kerr)
			}
			res, kerr := s.kpAuthorize(ctx, authorizeInput{SessionID: sess.ID, Email: "customer@email.se", Category: "klarna"})
			if kerr != nil || !res.Approved {
				t.Fatalf("authorize: %+v %v", res, kerr)
			}
			if tt.before != nil {
				tt.before(t, s, res.AuthorizationToken)
			}
			tokensBefore := countRows(t, s, `SELECT count(*) FROM kp_customer_tokens`)

			var charge kpCharge
			if err := s.store.inTx(ctx, func(tx *txn) error {
				var err error
				charge, kerr, err = s.chargeAuthorization(ctx, tx, "http://sandbox.test", res.AuthorizationToken,
					kpOrderInput{Cart: c, AutoCapture: true}, tt.token)
				return err
			}); err != nil {
				t.Fatal(err)
			}

			switch {
			case tt.wantOrderErr != "":
				if kerr == nil || kerr.Code != tt.wantOrderErr {
					t.Fatalf("order error %v, want %s", kerr, tt.wantOrderErr)
				}
			case kerr != nil:
				t.Fatalf("order error %v", kerr)
			case tt.wantTokenErr != "":
				if charge.TokenErr == nil || charge.TokenErr.Code != tt.wantTokenErr {
					t.Errorf("token error %v, want %s", charge.TokenErr, tt.wantTokenErr)
				}
			case charge.TokenErr != nil || charge.Token.TokenID == "" || charge.Order.OrderID == "":
				t.Errorf("charge %+v, want an order and a token", charge)
			}
			if n := countRows(t, s, `SELECT count(*) FROM kp_orders WHERE authorization_token = ?`, res.AuthorizationToken); n != tt.wantOrders {
				t.Errorf("%d orders, want %d", n, tt.wantOrders)
			}
			if n := countRows(t, s, `SELECT count(*) FROM kp_customer_tokens`) - tokensBefore; n != tt.wantNewTokens {
				t.Errorf("%d new tokens, want %d", n, tt.wantNewTokens)
			}
		})
	}
}

func countRows(t *testing.T, s *Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.store.r.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
