package payway

import (
	"context"
	"net/http"
)

// Account is the customer behind an identity token, as GET /external/api/v3/me describes it. Fields
// Payway leaves out or sends as null stay zero. "age" is left out on purpose: its JSON type is not
// documented (a mismatch would fail the whole call) and BirthDate carries the same fact.
type Account struct {
	ID                          string  `json:"id"` // 24-hex
	Email                       string  `json:"email"`
	Status                      string  `json:"status"` // created, active, archived, inactive
	Verified                    bool    `json:"verified"`
	CustomerNumber              string  `json:"customer_number"`
	FirstName                   string  `json:"first_name"`
	LastName                    string  `json:"last_name"`
	MobilePhoneNumber           string  `json:"mobile_phone_number"`
	BirthDate                   string  `json:"birth_date"`                     // YYYY-MM-DD
	SocialSecurityNumber        string  `json:"social_security_number"`         // dddddd-dddd
	SocialSecurityNumberCentury string  `json:"social_security_number_century"` // 12 digits
	Gender                      string  `json:"gender"`                         // only when the SSN is known
	CompanyRegistrationNumber   string  `json:"company_registration_number"`
	Alias                       string  `json:"alias"`
	AccountOrigin               string  `json:"account_origin"`
	Address                     Address `json:"address"`
}

// Address is Payway's Address shape. An order's delivery address adds ID.
type Address struct {
	ID                string `json:"id,omitempty"`
	FirstName         string `json:"first_name,omitempty"`
	LastName          string `json:"last_name,omitempty"`
	CompanyName       string `json:"company_name,omitempty"`
	CompanyDepartment string `json:"company_department,omitempty"`
	CompanyReference  string `json:"company_reference,omitempty"`
	CareOf            string `json:"care_of,omitempty"`
	Street            string `json:"street,omitempty"`
	StreetNumber      string `json:"street_number,omitempty"`
	Staircase         string `json:"staircase,omitempty"`
	Floor             string `json:"floor,omitempty"`
	Apartment         string `json:"apartment,omitempty"`
	ApartmentNumber   string `json:"apartment_number,omitempty"`
	DropBox           string `json:"drop_box,omitempty"`
	ZipCode           string `json:"zip_code,omitempty"`
	City              string `json:"city,omitempty"`
	CountryCode       string `json:"country_code,omitempty"`
	MobileNumber      string `json:"mobile_number,omitempty"`
	PhoneNumber       string `json:"phone_number,omitempty"`
	ContactEmail      string `json:"contact_email,omitempty"`
}

// Me returns the account the access token stands for (scope /external/me/w).
func (c *Client) Me(ctx context.Context, accessToken string) (Account, error) {
	var acc Account
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v3/me", bearer: accessToken, env: itemWrap}, &acc)
	return acc, wrap("me", err)
}

// ActiveProducts returns the product codes the token's account has access to now. Access is checked on
// product codes, not package codes, as Payway recommends. The slice is empty, not nil, for no access.
func (c *Client) ActiveProducts(ctx context.Context, accessToken string) ([]string, error) {
	var item struct {
		ActiveProducts []string `json:"active_products"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v1/me/active_products", bearer: accessToken, env: itemWrap}, &item)
	if err != nil {
		return nil, wrap("active products", err)
	}
	if item.ActiveProducts == nil {
		item.ActiveProducts = []string{}
	}
	return item.ActiveProducts, nil
}
