package sandbox

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Payment sessions and authorizations: the rules behind kpCreateSession, kpAuthorize and the session
// endpoints.

// categoryNames are the payment categories Klarna documents, with the names the widget shows in the
// session's language: Klarna answers in the session's locale, so a Swedish session (sv-SE, and every
// session Payway opens, see purchaseLocale) names them in Swedish, any other in English.
func categoryNames(locale string) map[string]string {
	if strings.HasPrefix(strings.ToLower(locale), "sv") {
		return map[string]string{
			"klarna": "Betala med Klarna", "pay_later": "Betala senare", "pay_now": "Betala nu",
			"pay_over_time": "Delbetalning", "direct_bank_transfer": "Direktbetalning via bank", "direct_debit": "Autogiro",
		}
	}
	return map[string]string{
		"klarna": "Pay with Klarna", "pay_later": "Pay later", "pay_now": "Pay now",
		"pay_over_time": "Financing", "direct_bank_transfer": "Direct bank transfer", "direct_debit": "Direct debit",
	}
}

// defaultCategories are what a session offers unless its merchant or its creator says otherwise: the one
// klarna category ("Pay with Klarna") that Klarna's current guide returns; the customer picks the way to
// pay inside Klarna's flow.
func defaultCategories() []string { return []string{"klarna"} }

// separateCategories are the categories of the sandbox merchant with separate payment categories
// (KlarnaSeparateCategoriesUsername): for tests and demos that choose direct debit or card by category.
func separateCategories() []string { return []string{"klarna", "pay_later", "pay_now", "direct_debit"} }

// klarnaBadgePath is where Klarna's generic badge lives, the asset every category of the current guides
// carries (https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg). The sandbox serves its
// own badge at the same path on its own origin (browserBadge), so a checkout shows it offline; sessions
// store the path and every answer names it on the origin the request came to (categoriesAt).
const klarnaBadgePath = "/payment-method/assets/badges/generic/klarna.svg"

// resolveCategories turns identifiers into payment_method_categories entries named in the session's locale
// (asset URLs as paths, see categoriesAt); ok is false for an unknown identifier.
func resolveCategories(ids []string, locale string) ([]paymentCategory, bool) {
	if len(ids) == 0 {
		ids = defaultCategories()
	}
	names := categoryNames(locale)
	out := make([]paymentCategory, 0, len(ids))
	for _, id := range ids {
		name, ok := names[id]
		if !ok {
			return nil, false
		}
		c := paymentCategory{Identifier: id, Name: name}
		c.AssetURLs.Descriptive, c.AssetURLs.Standard = klarnaBadgePath, klarnaBadgePath
		out = append(out, c)
	}
	return out, true
}

// categoriesAt is cats as an answer names them: asset URLs stored as paths become URLs on base, the
// sandbox origin the request came to (klarnaBase), so they work on whatever address the sandbox runs.
// Never nil, so the JSON is an array.
func categoriesAt(base string, cats []paymentCategory) []paymentCategory {
	out := make([]paymentCategory, 0, len(cats))
	abs := func(u string) string {
		if strings.HasPrefix(u, "/") {
			return base + u
		}
		return u
	}
	for _, c := range cats {
		c.AssetURLs.Descriptive, c.AssetURLs.Standard = abs(c.AssetURLs.Descriptive), abs(c.AssetURLs.Standard)
		out = append(out, c)
	}
	return out
}

func offers(cats []paymentCategory, id string) bool {
	return slices.ContainsFunc(cats, func(c paymentCategory) bool { return c.Identifier == id })
}

// authorizedPaymentMethod is the authorized_payment_method type an order of a category gets.
func authorizedPaymentMethod(category string) string {
	switch category {
	case "pay_now":
		return "card"
	case "pay_over_time":
		return "fixed_amount"
	case "direct_debit", "direct_bank_transfer":
		return category
	default: // klarna, pay_later
		return "invoice"
	}
}

// tokenPaymentMethodType is the payment_method_type a customer token gets from a category.
func tokenPaymentMethodType(category string) string {
	switch category {
	case "pay_now":
		return "CARD"
	case "direct_debit":
		return "DIRECT_DEBIT"
	case "direct_bank_transfer":
		return "DIRECT_BANK_TRANSFER"
	case "pay_over_time":
		return "ACCOUNT"
	default: // klarna, pay_later
		return "INVOICE"
	}
}

// sessionMerchantURLs are the merchant_urls a payment session takes.
func sessionMerchantURLs() []string {
	return []string{"confirmation", "notification", "push", "authorization"}
}

// prepareSessionInput validates a session's input (normalising the intent) and resolves its categories.
func prepareSessionInput(in *kpSessionInput) ([]paymentCategory, *klarnaError) {
	if kerr := validateCart(in.Cart, cartRules{requireCountry: true}); kerr != nil {
		return nil, kerr
	}
	intent, ok := validIntent(in.Intent)
	if !ok {
		return nil, badValue("intent")
	}
	in.Intent = intent
	if f := validMerchantURLs(in.MerchantURLs, sessionMerchantURLs()); f != "" {
		return nil, badValue(f)
	}
	if len(in.MerchantReference1) > 255 {
		return nil, badValue("merchant_reference1")
	}
	if len(in.MerchantReference2) > 255 {
		return nil, badValue("merchant_reference2")
	}
	if in.CustomerToken != "" && in.StepUpID == "" {
		return nil, badValue("step_up_id")
	}
	if in.StepUpID != "" && in.CustomerToken == "" {
		return nil, badValue("customer.customer_token")
	}
	cats, ok := resolveCategories(in.Categories, in.Cart.Locale)
	if !ok {
		return nil, badValue("payment_method_categories")
	}
	return cats, nil
}

// checkStepUp verifies that a step-up session names a step-up handed out for its customer token.
func checkStepUp(ctx context.Context, q querier, in kpSessionInput) error {
	if in.StepUpID == "" {
		return nil
	}
	ok, err := stepUpExists(ctx, q, in.StepUpID, in.CustomerToken)
	if err != nil {
		return err
	}
	if !ok {
		return badValue("step_up_id")
	}
	return nil
}

// createSession stores a new session; extra are request fields the API only echoes back.
func (s *Server) createSession(ctx context.Context, in kpSessionInput, extra sessionExtra) (kpSession, *klarnaError) {
	sess, enc, kerr := s.newSession(in, extra)
	if kerr != nil {
		return kpSession{}, kerr
	}
	if kerr := s.coreTx(ctx, "create session", func(tx *txn) error {
		return createSessionTx(ctx, tx, sess, enc)
	}); kerr != nil {
		return kpSession{}, kerr
	}
	return sess, nil
}

// newSession validates a session's input and builds the session and its stored columns, outside any
// writer transaction; createSessionTx stores it.
func (s *Server) newSession(in kpSessionInput, extra sessionExtra) (kpSession, sessionColumnsJSON, *klarnaError) {
	now := s.klarnaNow()
	cats, kerr := prepareSessionInput(&in)
	if kerr != nil {
		return kpSession{}, sessionColumnsJSON{}, kerr
	}
	id := newUUID()
	sess := kpSession{ID: id, ClientToken: newClientToken(id, now, now.Add(kpSessionLifetime)), Status: "incomplete",
		Input: in, Categories: cats, CreatedAt: now, ExpiresAt: now.Add(kpSessionLifetime)}
	return sess, encodeSession(sess, extra), nil
}

// createSessionTx stores a session newSession built, in the caller's writer transaction; a *klarnaError
// when its step-up does not exist.
func createSessionTx(ctx context.Context, tx *txn, sess kpSession, enc sessionColumnsJSON) error {
	if err := checkStepUp(ctx, tx, sess.Input); err != nil {
		return err
	}
	return insertSession(ctx, tx, sess, enc)
}

// updateSession applies merge to a live, incomplete session and validates the result like a new session.
// The session keeps its id, client token and expiry (the sandbox counts the 48 hours from creation).
func (s *Server) updateSession(ctx context.Context, id string, merge func(in *kpSessionInput, extra sessionExtra) *klarnaError) *klarnaError {
	now := s.klarnaNow()
	return s.coreTx(ctx, "update session", func(tx *txn) error {
		sess, extra, err := liveSession(ctx, tx, id, now)
		if err != nil {
			return err
		}
		if sess.Status == "complete" {
			return sessionCompleted()
		}
		if kerr := merge(&sess.Input, extra); kerr != nil {
			return kerr
		}
		cats, kerr := prepareSessionInput(&sess.Input)
		if kerr != nil {
			return kerr
		}
		if err := checkStepUp(ctx, tx, sess.Input); err != nil {
			return err
		}
		sess.Categories = cats
		return saveSession(ctx, tx, sess, extra, now)
	})
}

// sessionWithExtra reads a live session with the echoed request fields (read-session endpoint).
func (s *Server) sessionWithExtra(ctx context.Context, id string) (kpSession, sessionExtra, *klarnaError) {
	sess, extra, err := liveSession(ctx, s.store.r, id, s.klarnaNow())
	if err != nil {
		return kpSession{}, nil, s.klarnaErr(ctx, "read session", err)
	}
	return sess, extra, nil
}

func sessionCompleted() *klarnaError {
	return &klarnaError{Status: http.StatusNotFound, Code: "SESSION_COMPLETED", Messages: []string{"Session has already been completed"}}
}

// liveSession reads a session that exists and has not expired (NOT_FOUND "Invalid session id" otherwise).
func liveSession(ctx context.Context, q querier, id string, now time.Time) (kpSession, sessionExtra, error) {
	sess, extra, err := sessionByID(ctx, q, id)
	if errors.Is(err, errNotFound) || (err == nil && !now.Before(sess.ExpiresAt)) {
		return kpSession{}, nil, klarnaNotFound("Invalid session id")
	}
	return sess, extra, err
}

// liveAuthorization reads an authorization that exists, was not deleted and has not expired
// (NOT_FOUND "Invalid authorization token" otherwise).
func liveAuthorization(ctx context.Context, q querier, token string, now time.Time) (authRow, error) {
	a, err := authorizationByToken(ctx, q, token)
	if errors.Is(err, errNotFound) || (err == nil && (a.Deleted || !now.Before(a.ExpiresAt))) {
		return authRow{}, klarnaNotFound("Invalid authorization token")
	}
	return a, err
}

// sixDigits reports whether otp is a 6-digit code.
func sixDigits(otp string) bool {
	if len(otp) != 6 {
		return false
	}
	for _, r := range otp {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sessionCustomer is the person an approved authorization of the session belongs to: the session's
// Identity when its creator named one, with the e-mail typed in the dialog; else the person that e-mail
// names.
func sessionCustomer(sess kpSession, email string) kpCustomer {
	if sess.Input.Identity == nil {
		return customerForEmail(email)
	}
	c := *sess.Input.Identity
	c.Email = strings.TrimSpace(email)
	return c
}

// authorizeTx decides an authorization (see kpAuthorize) and, when approved, stores it and queues the
// session's authorization callback (merchant_urls.authorization).
func authorizeTx(ctx context.Context, tx *txn, in authorizeInput, now time.Time) (authorizeResult, []callbackEvent, error) {
	sess, _, err := liveSession(ctx, tx, in.SessionID, now)
	if err != nil {
		return authorizeResult{}, nil, err
	}
	if sess.Status == "complete" {
		return authorizeResult{}, nil, sessionCompleted()
	}
	category := in.Category
	if category == "" && len(sess.Categories) > 0 {
		category = sess.Categories[0].Identifier
	}
	if !offers(sess.Categories, category) {
		return authorizeResult{}, nil, badValue("payment_method_category")
	}
	switch {
	case classifyEmail(in.Email) == emailMalformed:
		return authorizeResult{ShowForm: true, Error: &invalidFields{InvalidFields: []string{"billing_address.email"}}}, nil, nil
	case in.OTP != "" && (in.OTP == otpFailing || !sixDigits(in.OTP)):
		return authorizeResult{ShowForm: true}, nil, nil
	case classifyEmail(in.Email) == emailDenied:
		return authorizeResult{}, nil, nil
	}
	auth := kpAuthorization{Token: newUUID(), SessionID: sess.ID, Category: category,
		Customer: sessionCustomer(sess, in.Email), CreatedAt: now, ExpiresAt: now.Add(kpAuthorizationExpiry)}
	if err := insertAuthorization(ctx, tx, auth); err != nil {
		return authorizeResult{}, nil, err
	}
	if err := execOne(ctx, tx, "record authorization on session",
		`UPDATE kp_sessions SET authorization_token = ?, updated_at = ? WHERE id = ?`, auth.Token, unix(now), sess.ID); err != nil {
		return authorizeResult{}, nil, err
	}
	var events []callbackEvent
	if u := sess.Input.MerchantURLs["authorization"]; u != "" {
		ev := callbackEvent{ID: newUUID(), Status: "AUTHORIZED", URL: fillSessionPlaceholders(u, sess.ID, ""),
			MaxAttempts: authorizationCallbackAttempts,
			Body:        []byte(mustJSON(map[string]string{"authorization_token": auth.Token, "session_id": sess.ID}))}
		if err := insertEvent(ctx, tx, ev, now); err != nil {
			return authorizeResult{}, nil, err
		}
		events = append(events, ev)
	}
	return authorizeResult{Approved: true, ShowForm: true, AuthorizationToken: auth.Token}, events, nil
}
