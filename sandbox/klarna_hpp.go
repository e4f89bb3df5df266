package sandbox

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Hosted Payment Page sessions (reference §5): created on top of a payment session, driven by the
// customer on the hosted page (browser_hpp.go calls hppOpen, hppComplete, hppFinish), read and disabled by
// the merchant. Every status change sends a status callback when merchant_urls.status_update is set.

// HPP statuses (reference §5.2).
const (
	hppWaiting    = "WAITING"
	hppInProgress = "IN_PROGRESS"
	hppCompleted  = "COMPLETED"
	hppFailed     = "FAILED"
	hppCancelled  = "CANCELLED"
	hppBack       = "BACK"
	hppError      = "ERROR"
	hppDisabled   = "DISABLED"
)

// hppFinal reports whether a status is final: the customer can no longer pay in that session.
func hppFinal(status string) bool {
	return status == hppCompleted || status == hppCancelled || status == hppDisabled
}

// hppMerchantURLs are the merchant_urls an HPP session takes.
func hppMerchantURLs() []string {
	return []string{"success", "cancel", "back", "failure", "error", "status_update"}
}

// hppCreateInput is POST /hpp/v1/sessions's body, as the core needs it.
type hppCreateInput struct {
	PaymentSessionURL string
	MerchantURLs      map[string]string
	PlaceOrderMode    string   // NONE (default), PLACE_ORDER, CAPTURE_ORDER
	Category          string   // options.payment_method_category
	Categories        []string // options.payment_method_categories
}

// paymentSessionPath matches the KP session a payment_session_url points at.
var paymentSessionPath = regexp.MustCompile(`/payments/v1/sessions/([^/]+)$`)

// hppCategory maps HPP's category enum (DIRECT_DEBIT, ...; guides also use lowercase) to KP identifiers.
func hppCategory(v string) (string, bool) {
	id := strings.ToLower(v)
	_, ok := categoryNames("")[id] // the identifiers; any language names them all
	return id, ok
}

// hppCreate validates and stores an HPP session (201 in the API). It expires one hour before its
// payment session.
func (s *Server) hppCreate(ctx context.Context, in hppCreateInput) (hppSession, *klarnaError) {
	u, err := url.Parse(in.PaymentSessionURL)
	if in.PaymentSessionURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return hppSession{}, badValue("payment_session_url")
	}
	m := paymentSessionPath.FindStringSubmatch(u.Path)
	if m == nil {
		return hppSession{}, badValue("payment_session_url")
	}
	mode := in.PlaceOrderMode
	if mode == "" {
		mode = "NONE"
	}
	if !slices.Contains([]string{"NONE", "PLACE_ORDER", "CAPTURE_ORDER"}, mode) {
		return hppSession{}, badValue("options.place_order_mode")
	}
	if in.Category != "" && len(in.Categories) > 0 {
		return hppSession{}, badValue("options.payment_method_categories")
	}
	wanted := in.Categories
	if in.Category != "" {
		wanted = []string{in.Category}
	}
	if f := validMerchantURLs(in.MerchantURLs, hppMerchantURLs()); f != "" {
		return hppSession{}, badValue(f)
	}
	now := s.klarnaNow()
	h := hppSession{ID: newUUID(), KPSessionID: m[1], Status: hppWaiting, PlaceOrderMode: mode,
		MerchantURLs: in.MerchantURLs, CreatedAt: now, UpdatedAt: now}
	if h.MerchantURLs == nil {
		h.MerchantURLs = map[string]string{}
	}
	kerr := s.coreTx(ctx, "create HPP session", func(tx *txn) error {
		sess, _, err := liveSession(ctx, tx, h.KPSessionID, now)
		var ke *klarnaError
		if errors.As(err, &ke) || (err == nil && !now.Before(sess.ExpiresAt.Add(-hppBeforeKPExpiry))) {
			return klarnaNotFound("Payment session has expired")
		}
		if err != nil {
			return err
		}
		if sess.Status == "complete" {
			return badValue("payment_session_url")
		}
		for _, c := range wanted {
			id, ok := hppCategory(c)
			if !ok || !offers(sess.Categories, id) {
				return badValue("options.payment_method_categories")
			}
			h.Categories = append(h.Categories, id)
		}
		if len(h.Categories) == 0 {
			for _, c := range sess.Categories {
				h.Categories = append(h.Categories, c.Identifier)
			}
		}
		h.ExpiresAt = sess.ExpiresAt.Add(-hppBeforeKPExpiry)
		return insertHPP(ctx, tx, h)
	})
	if kerr != nil {
		return hppSession{}, kerr
	}
	return h, nil
}

// liveHPP reads an HPP session that exists and has not expired (404 NOT_FOUND otherwise).
func liveHPP(ctx context.Context, q querier, id string, now time.Time) (hppSession, error) {
	h, err := hppByID(ctx, q, id)
	if errors.Is(err, errNotFound) {
		return hppSession{}, klarnaNotFound("Session not found")
	}
	if err == nil && !now.Before(h.ExpiresAt) {
		return hppSession{}, klarnaNotFound("Session has expired")
	}
	return h, err
}

// hppClosed is the answer to a customer action on a session in a final status.
func hppClosed(status string) *klarnaError {
	return invalidOperation("Session is " + status)
}

// hppView is GET /hpp/v1/sessions/{id}'s body, also the "session" of a status callback.
type hppView struct {
	SessionID          string       `json:"session_id"`
	Status             string       `json:"status"`
	UpdatedAt          time.Time    `json:"updated_at"`
	ExpiresAt          time.Time    `json:"expires_at"`
	AuthorizationToken string       `json:"authorization_token,omitempty"`
	OrderID            string       `json:"order_id,omitempty"`
	Customer           *hppCustomer `json:"customer,omitempty"`
}

type hppCustomer struct {
	DateOfBirth                  string `json:"date_of_birth,omitempty"`
	FamilyName                   string `json:"family_name,omitempty"`
	GivenName                    string `json:"given_name,omitempty"`
	NationalIdentificationNumber string `json:"national_identification_number,omitempty"`
}

// viewHPP builds the read view: the authorization token only when COMPLETED in mode NONE (the merchant
// places the order), the order id when the page placed it, the customer once authorized.
func viewHPP(ctx context.Context, q querier, h hppSession) (hppView, error) {
	v := hppView{SessionID: h.ID, Status: h.Status, UpdatedAt: h.UpdatedAt, ExpiresAt: h.ExpiresAt, OrderID: h.OrderID}
	if h.Status == hppCompleted && h.PlaceOrderMode == "NONE" {
		v.AuthorizationToken = h.AuthorizationToken
	}
	if h.Status == hppCompleted && h.AuthorizationToken != "" {
		a, err := authorizationByToken(ctx, q, h.AuthorizationToken)
		if err != nil {
			return hppView{}, err
		}
		v.Customer = &hppCustomer{DateOfBirth: a.Customer.DateOfBirth, FamilyName: a.Customer.FamilyName,
			GivenName: a.Customer.GivenName, NationalIdentificationNumber: a.Customer.NationalID}
	}
	return v, nil
}

// hppRead is the merchant's read of an HPP session.
func (s *Server) hppRead(ctx context.Context, id string) (hppView, *klarnaError) {
	h, err := liveHPP(ctx, s.store.r, id, s.klarnaNow())
	if err != nil {
		return hppView{}, s.klarnaErr(ctx, "read HPP session", err)
	}
	v, err := viewHPP(ctx, s.store.r, h)
	if err != nil {
		return hppView{}, s.klarnaErr(ctx, "read HPP session", err)
	}
	return v, nil
}

// fillHPPPlaceholders fills the {{...}} placeholders of an HPP merchant URL, query-escaped.
func fillHPPPlaceholders(u string, h hppSession) string {
	auth := ""
	if h.PlaceOrderMode == "NONE" {
		auth = h.AuthorizationToken
	}
	return strings.NewReplacer("{{session_id}}", url.QueryEscape(h.ID),
		"{{authorization_token}}", url.QueryEscape(auth), "{{order_id}}", url.QueryEscape(h.OrderID)).Replace(u)
}

// hppTarget is the merchant URL for an outcome (name: success, cancel, back, failure, error; error falls
// back to failure), placeholders filled; "" when the merchant gave none.
func hppTarget(h hppSession, name string) string {
	u := h.MerchantURLs[name]
	if u == "" && name == "error" {
		u = h.MerchantURLs["failure"]
	}
	if u == "" {
		return ""
	}
	return fillHPPPlaceholders(u, h)
}

// hppTransition moves a session to status and queues its status callback.
func hppTransition(ctx context.Context, tx *txn, h *hppSession, status string, now time.Time) ([]callbackEvent, error) {
	h.Status, h.UpdatedAt = status, now
	if err := saveHPP(ctx, tx, *h); err != nil {
		return nil, err
	}
	u := h.MerchantURLs["status_update"]
	if u == "" {
		return nil, nil
	}
	v, err := viewHPP(ctx, tx, *h)
	if err != nil {
		return nil, err
	}
	ev := callbackEvent{ID: newUUID(), HPPSessionID: h.ID, Status: status, URL: fillHPPPlaceholders(u, *h),
		MaxAttempts: hppCallbackAttempts}
	ev.Body = []byte(mustJSON(struct {
		EventID string  `json:"event_id"`
		Session hppView `json:"session"`
	}{ev.ID, v}))
	if err := insertEvent(ctx, tx, ev, now); err != nil {
		return nil, err
	}
	return []callbackEvent{ev}, nil
}

func hppOpenTx(ctx context.Context, tx *txn, id string, now time.Time) (hppSession, []callbackEvent, error) {
	h, err := liveHPP(ctx, tx, id, now)
	if err != nil {
		return hppSession{}, nil, err
	}
	if hppFinal(h.Status) || h.Status == hppInProgress {
		return h, nil, nil
	}
	events, err := hppTransition(ctx, tx, &h, hppInProgress, now)
	return h, events, err
}

// hppCompleteTx is hppComplete in a transaction.
func hppCompleteTx(ctx context.Context, tx *txn, base, id, email, otp string, now time.Time) (target string, events []callbackEvent, err error) {
	h, events, err := hppOpenTx(ctx, tx, id, now)
	if err != nil {
		return "", nil, err
	}
	if hppFinal(h.Status) {
		return "", nil, hppClosed(h.Status)
	}
	category := ""
	if len(h.Categories) > 0 {
		category = h.Categories[0]
	}
	res, authEvents, err := authorizeTx(ctx, tx, authorizeInput{SessionID: h.KPSessionID, Email: email, OTP: otp, Category: category}, now)
	var ke *klarnaError
	if errors.As(err, &ke) { // the payment session is gone or already paid: a system error on the page
		evs, err := hppTransition(ctx, tx, &h, hppError, now)
		return hppTarget(h, "error"), append(events, evs...), err
	}
	if err != nil {
		return "", nil, err
	}
	events = append(events, authEvents...)
	if !res.Approved { // denied, a malformed e-mail or a failing code: FAILED, the customer may retry
		evs, err := hppTransition(ctx, tx, &h, hppFailed, now)
		return hppTarget(h, "failure"), append(events, evs...), err
	}
	h.AuthorizationToken = res.AuthorizationToken
	if h.PlaceOrderMode != "NONE" {
		sess, _, err := sessionByID(ctx, tx, h.KPSessionID)
		if err != nil {
			return "", nil, err
		}
		o, err := createOrderTx(ctx, tx, base, res.AuthorizationToken, kpOrderInput{Cart: sess.Input.Cart,
			MerchantReference1: sess.Input.MerchantReference1, MerchantReference2: sess.Input.MerchantReference2,
			AutoCapture: h.PlaceOrderMode == "CAPTURE_ORDER"}, now)
		if errors.As(err, &ke) {
			evs, err := hppTransition(ctx, tx, &h, hppError, now)
			return hppTarget(h, "error"), append(events, evs...), err
		}
		if err != nil {
			return "", nil, err
		}
		h.OrderID = o.OrderID
	}
	evs, err := hppTransition(ctx, tx, &h, hppCompleted, now)
	return hppTarget(h, "success"), append(events, evs...), err
}

func hppFinishTx(ctx context.Context, tx *txn, id, status string, now time.Time) (string, []callbackEvent, error) {
	urlName := map[string]string{hppCancelled: "cancel", hppBack: "back", hppError: "error"}[status]
	if urlName == "" {
		return "", nil, badValue("status")
	}
	h, err := liveHPP(ctx, tx, id, now)
	if err != nil {
		return "", nil, err
	}
	if hppFinal(h.Status) {
		return "", nil, hppClosed(h.Status)
	}
	events, err := hppTransition(ctx, tx, &h, status, now)
	return hppTarget(h, urlName), events, err
}

// hppDisable is DELETE /hpp/v1/sessions/{id}: 400 when COMPLETED, nothing to do when already DISABLED
// or CANCELLED, otherwise DISABLED (with its callback).
func (s *Server) hppDisable(ctx context.Context, id string) *klarnaError {
	now := s.klarnaNow()
	var events []callbackEvent
	kerr := s.coreTx(ctx, "disable HPP session", func(tx *txn) error {
		h, err := liveHPP(ctx, tx, id, now)
		if err != nil {
			return err
		}
		switch h.Status {
		case hppCompleted:
			return &klarnaError{Status: http.StatusBadRequest, Code: "BAD_VALUE", Messages: []string{"Session has already been completed"}}
		case hppDisabled, hppCancelled:
			return nil
		}
		events, err = hppTransition(ctx, tx, &h, hppDisabled, now)
		return err
	})
	if kerr != nil {
		return kerr
	}
	s.sendEvents(events)
	return nil
}

// hppDistribute is POST /hpp/v1/sessions/{id}/distribution: the sandbox sends nothing, it only checks the
// request as Klarna would (method sms|email|token with the matching contact field; 400 when the session
// can no longer be paid).
func (s *Server) hppDistribute(ctx context.Context, id, method string, contact map[string]string) *klarnaError {
	required := map[string]string{"sms": "phone", "email": "email", "token": "access_id"}[method]
	if required == "" {
		return badValue("method")
	}
	if contact[required] == "" {
		return badValue("contact_information." + required)
	}
	h, err := liveHPP(ctx, s.store.r, id, s.klarnaNow())
	if err != nil {
		return s.klarnaErr(ctx, "distribute HPP session", err)
	}
	if hppFinal(h.Status) {
		return &klarnaError{Status: http.StatusBadRequest, Code: "BAD_VALUE", Messages: []string{"Session is " + h.Status}}
	}
	return nil
}
