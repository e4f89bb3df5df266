package payway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// PaymentProfile is one of the account's payment profiles as Payway documents them
// (GET /external/api/v1/me/payment_profile/): how its subscription is paid. Payway keeps the payment
// provider's own credentials (Klarna's customer token for renewals) internal; a profile only
// describes the method, so the app shows it and never charges it.
type PaymentProfile struct {
	ID             string            `json:"id"`             // 24-hex
	AccountID      string            `json:"account_id"`     // 24-hex
	PaymentOption  string            `json:"payment_option"` // e.g. adyen, klarna_payments
	Type           string            `json:"type"`           // e.g. klarna_paynow
	DefaultProfile bool              `json:"default_profile"`
	State          string            `json:"state"` // e.g. active
	MetaData       *ProfileMetaData  `json:"meta_data"`
	Agreements     []json.RawMessage `json:"agreements"` // shape of an agreement undocumented: kept raw
}

// ProfileMetaData is a profile's meta_data: the card's masked number, expiry and brand. Payway sends
// null for methods without them (MetaData is then nil). The documented example shows strings; numbers
// are accepted too, since an expiry month is easily sent as one.
type ProfileMetaData struct {
	MaskedNumber string
	ExpiryMonth  string
	ExpiryYear   string
	Brand        string
}

// UnmarshalJSON reads meta_data's fields as text, whether Payway sends them as strings or numbers.
func (m *ProfileMetaData) UnmarshalJSON(data []byte) error {
	var raw struct {
		MaskedNumber looseString `json:"masked_number"`
		ExpiryMonth  looseString `json:"expiry_month"`
		ExpiryYear   looseString `json:"expiry_year"`
		Brand        looseString `json:"brand"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("meta_data: %w", err)
	}
	*m = ProfileMetaData{MaskedNumber: string(raw.MaskedNumber), ExpiryMonth: string(raw.ExpiryMonth),
		ExpiryYear: string(raw.ExpiryYear), Brand: string(raw.Brand)}
	return nil
}

// MaskedNumber is the profile's masked card or account number, "" when meta_data has none.
func (p PaymentProfile) MaskedNumber() string {
	if p.MetaData == nil {
		return ""
	}
	return p.MetaData.MaskedNumber
}

// Brand is the card brand from meta_data, "" when there is none.
func (p PaymentProfile) Brand() string {
	if p.MetaData == nil {
		return ""
	}
	return p.MetaData.Brand
}

// profileList is the documented body: a list in "items", never an "item".
type profileList struct {
	Items *[]PaymentProfile `json:"items"`
}

// PaymentProfiles returns the payment profiles of the token's account (identity token, scope
// /external/me/payment_profile/r), in Payway's order; an account without any gets an empty list. The
// path keeps its documented trailing slash.
func (c *Client) PaymentProfiles(ctx context.Context, accessToken string) ([]PaymentProfile, error) {
	var list profileList
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v1/me/payment_profile/",
		bearer: accessToken, env: bare}, &list)
	if err != nil {
		return nil, wrap("payment profiles", err)
	}
	profiles, err := list.profiles()
	return profiles, wrap("payment profiles", err)
}

// errNoItems: a body without "items" is not the documented one, and reading it as "no profiles" would
// be a guess.
var errNoItems = errors.New("response has no items")

// profiles is the decoded list; never nil without an error.
func (l profileList) profiles() ([]PaymentProfile, error) {
	switch {
	case l.Items == nil:
		return nil, errNoItems
	case *l.Items == nil:
		return []PaymentProfile{}, nil
	}
	return *l.Items, nil
}

// looseString decodes a JSON string or number as text; null stays "".
type looseString string

// UnmarshalJSON accepts "12", 12 and null.
func (s *looseString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*s = ""
		return nil
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = looseString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("want a string or a number: %w", err)
	}
	if _, err := strconv.ParseFloat(string(n), 64); err != nil {
		return fmt.Errorf("want a string or a number: %w", err)
	}
	*s = looseString(n)
	return nil
}
