package klarna

import (
	"encoding/json"
	"errors"
)

// OrderLine is Klarna's order_line. Build lines with NewLine so the totals add up the way Klarna checks
// them.
type OrderLine struct {
	Type                string        `json:"type,omitempty"` // physical, digital, discount, shipping_fee, ...
	Reference           string        `json:"reference,omitempty"`
	Name                string        `json:"name"`
	Quantity            int64         `json:"quantity"`
	QuantityUnit        string        `json:"quantity_unit,omitempty"`
	UnitPrice           int64         `json:"unit_price"` // incl. tax, minor units
	TaxRate             int64         `json:"tax_rate"`   // 2500 = 25 %
	TotalAmount         int64         `json:"total_amount"`
	TotalDiscountAmount int64         `json:"total_discount_amount,omitempty"`
	TotalTaxAmount      int64         `json:"total_tax_amount"`
	MerchantData        string        `json:"merchant_data,omitempty"`
	ProductURL          string        `json:"product_url,omitempty"`
	ImageURL            string        `json:"image_url,omitempty"`
	Subscription        *Subscription `json:"subscription,omitempty"`
}

// Subscription marks a recurring order line (required on recurring lines of tokenize intents).
type Subscription struct {
	Name          string `json:"name"`
	Interval      string `json:"interval"` // DAY, WEEK, MONTH, YEAR
	IntervalCount int    `json:"interval_count"`
}

// NewLine returns an order line for quantity × unitPrice (tax included) at taxRate, with total_amount
// and total_tax_amount computed as Klarna checks them: the tax is total*rate/(10000+rate), rounded to
// the nearest minor unit (Klarna accepts ±1).
func NewLine(name, reference string, quantity, unitPrice, taxRate int64) OrderLine {
	total := quantity * unitPrice
	return OrderLine{Name: name, Reference: reference, Quantity: quantity, UnitPrice: unitPrice, TaxRate: taxRate,
		TotalAmount: total, TotalTaxAmount: taxOf(total, taxRate)}
}

// WithDiscount returns the line with a total discount (tax included) and its totals recomputed.
func (l OrderLine) WithDiscount(discount int64) OrderLine {
	l.TotalDiscountAmount = discount
	l.TotalAmount = l.Quantity*l.UnitPrice - discount
	l.TotalTaxAmount = taxOf(l.TotalAmount, l.TaxRate)
	return l
}

// taxOf is total*rate/(10000+rate) rounded half away from zero.
func taxOf(total, rate int64) int64 {
	den := 10000 + rate
	num := total * rate
	if num < 0 {
		return -((-num*2 + den) / (2 * den))
	}
	return (num*2 + den) / (2 * den)
}

// Cart is what a payment session and an order from an authorization carry: market (country and locale),
// currency and lines with their sums. A customer-token order carries less: see NewTokenOrder.
type Cart struct {
	PurchaseCountry  string      `json:"purchase_country"`  // ISO 3166 alpha-2, e.g. SE; required
	PurchaseCurrency string      `json:"purchase_currency"` // ISO 4217, e.g. SEK
	Locale           string      `json:"locale,omitempty"`  // e.g. sv-SE
	OrderAmount      int64       `json:"order_amount"`
	OrderTaxAmount   int64       `json:"order_tax_amount"`
	OrderLines       []OrderLine `json:"order_lines"`
}

// NewCart returns a cart of lines whose order_amount and order_tax_amount are the sums of the lines.
func NewCart(country, currency, locale string, lines ...OrderLine) Cart {
	c := Cart{PurchaseCountry: country, PurchaseCurrency: currency, Locale: locale, OrderLines: lines}
	for _, l := range lines {
		c.OrderAmount += l.TotalAmount
		c.OrderTaxAmount += l.TotalTaxAmount
	}
	return c
}

// Address is Klarna's address object.
type Address struct {
	GivenName      string `json:"given_name,omitempty"`
	FamilyName     string `json:"family_name,omitempty"`
	Email          string `json:"email,omitempty"`
	Title          string `json:"title,omitempty"`
	StreetAddress  string `json:"street_address,omitempty"`
	StreetAddress2 string `json:"street_address2,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"`
	City           string `json:"city,omitempty"`
	Region         string `json:"region,omitempty"`
	Phone          string `json:"phone,omitempty"`
	Country        string `json:"country,omitempty"`
}

// MerchantURLs are a session's or order's merchant_urls. Confirmation, notification and push may use
// the {session.id} and {order.id} placeholders.
type MerchantURLs struct {
	Confirmation  string `json:"confirmation,omitempty"`
	Notification  string `json:"notification,omitempty"`
	Push          string `json:"push,omitempty"`
	Authorization string `json:"authorization,omitempty"`
}

// PaymentMethod is authorized_payment_method. Klarna's OpenAPI describes an object ({type, ...}) while
// its guides show a plain string ("invoice"); both decode into Type.
type PaymentMethod struct {
	Type                 string `json:"type"`
	NumberOfDays         int    `json:"number_of_days,omitempty"`
	NumberOfInstallments int    `json:"number_of_installments,omitempty"`
}

// UnmarshalJSON accepts the object and the string form.
func (p *PaymentMethod) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*p = PaymentMethod{Type: s}
		return nil
	}
	type plain PaymentMethod
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("authorized_payment_method: want a string or an object")
	}
	*p = PaymentMethod(v)
	return nil
}

// Order is Klarna's answer to an order (from an authorization or a customer token).
type Order struct {
	OrderID string `json:"order_id"`
	// RedirectURL is Klarna's device-recognition redirect: send the browser there and it ends on
	// merchant_urls.confirmation. Empty when no confirmation URL was given.
	RedirectURL             string        `json:"redirect_url,omitempty"`
	FraudStatus             string        `json:"fraud_status"` // ACCEPTED, PENDING
	AuthorizedPaymentMethod PaymentMethod `json:"authorized_payment_method"`
}
