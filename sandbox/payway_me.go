package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// meItem is the item of GET /external/api/v3/me.
type meItem struct {
	ID                          string  `json:"id"`
	Email                       string  `json:"email"`
	Status                      string  `json:"status"`
	Verified                    bool    `json:"verified"`
	CustomerNumber              string  `json:"customer_number"`
	FirstName                   string  `json:"first_name"`
	LastName                    string  `json:"last_name"`
	MobilePhoneNumber           string  `json:"mobile_phone_number"`
	BirthDate                   string  `json:"birth_date"`
	SocialSecurityNumber        string  `json:"social_security_number"`
	SocialSecurityNumberCentury string  `json:"social_security_number_century"`
	Address                     Address `json:"address"`
}

// paywayMe serves GET /external/api/v3/me: the account behind the token.
func (s *Server) paywayMe(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	acc, err := s.identity(r.Context(), auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, meItem{
		ID: acc.ID, Email: acc.Email, Status: acc.Status, Verified: acc.Verified,
		CustomerNumber: acc.CustomerNumber, FirstName: acc.FirstName, LastName: acc.LastName,
		MobilePhoneNumber: acc.MobilePhoneNumber, BirthDate: acc.BirthDate,
		SocialSecurityNumber:        acc.SocialSecurityNumber,
		SocialSecurityNumberCentury: ssnCentury(acc.SocialSecurityNumber, acc.BirthDate),
		Address:                     acc.Address,
	})
}

// paywayActiveProducts serves GET /external/api/v1/me/active_products: the product codes the account
// has access to now (on the sandbox clock).
//
// It checks the identity as identity does, but in the same query as the products (store.activeProducts):
// this is the call of every subscriber's article view.
func (s *Server) paywayActiveProducts(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	if auth.AccountID == "" {
		s.writePaywayErr(w, r, errNoIdentity())
		return
	}
	products, err := s.store.activeProducts(r.Context(), auth.AccountID, s.now())
	if errors.Is(err, errNotFound) {
		err = errAccountGone()
	}
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, struct {
		ActiveProducts []string `json:"active_products"`
	}{products})
}

// identity loads the account an identity token stands for; tokens without identity cannot use Me.
func (s *Server) identity(ctx context.Context, auth paywayAuth) (account, error) {
	if auth.AccountID == "" {
		return account{}, errNoIdentity()
	}
	acc, err := s.store.accountByID(ctx, auth.AccountID)
	if errors.Is(err, errNotFound) {
		return account{}, errAccountGone()
	}
	return acc, err
}

// identityID is identity for routes that need only the account's id: it checks that the account
// exists without loading it.
func (s *Server) identityID(ctx context.Context, auth paywayAuth) (string, error) {
	if auth.AccountID == "" {
		return "", errNoIdentity()
	}
	ok, err := s.store.accountExists(ctx, auth.AccountID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errAccountGone()
	}
	return auth.AccountID, nil
}

func errNoIdentity() *paywayError { return invalidToken("The access token has no identity") }

func errAccountGone() *paywayError {
	return invalidToken("The account behind the access token no longer exists")
}

// ssnCentury gives Payway's 12-digit SSN form (yyyymmddnnnn) from "yymmdd-nnnn" and the birth date's
// century; "" when either is missing.
func ssnCentury(ssn, birthDate string) string {
	digits := strings.ReplaceAll(strings.ReplaceAll(ssn, "-", ""), "+", "")
	if len(digits) != 10 || len(birthDate) < 4 {
		return ""
	}
	return birthDate[:2] + digits
}
