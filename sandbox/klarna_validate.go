package sandbox

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Klarna's field patterns (reference §1.1).
var (
	countryPattern  = regexp.MustCompile(`^[A-Za-z]{2}$`)
	currencyPattern = regexp.MustCompile(`^[A-Za-z]{3}$`)
	localePattern   = regexp.MustCompile(`^[A-Za-z]{2}(?:-[A-Za-z]{2})*$`)
)

// Bounds Klarna documents for order lines (unit_price up to 200000000, 1..1000 lines). The quantity bound
// is the sandbox's own: it keeps quantity*unit_price and the sums far from int64 overflow.
const (
	maxOrderLines = 1000
	maxUnitPrice  = 200_000_000
	maxQuantity   = 1_000_000
	maxTaxRate    = 10_000
	maxURLLength  = 2000
)

// badValue is Klarna's 400 BAD_VALUE for one field.
func badValue(field string) *klarnaError {
	return &klarnaError{Status: http.StatusBadRequest, Code: "BAD_VALUE", Messages: []string{"Bad value: " + field}}
}

// klarnaNotFound is Klarna's 404 NOT_FOUND with a message.
func klarnaNotFound(message string) *klarnaError {
	return &klarnaError{Status: http.StatusNotFound, Code: "NOT_FOUND", Messages: []string{message}}
}

// cartRules says which parts of a cart a given endpoint requires.
type cartRules struct {
	requireCountry bool // sessions and orders from an authorization; token orders have none
	minOrderAmount int64
}

// validateCart applies Klarna's cart rules: patterns for country, currency and locale, 1..1000 lines,
// each line's total_amount = quantity*unit_price - total_discount_amount, total_tax_amount within ±1 of
// total_amount - total_amount*10000/(10000+tax_rate), order_amount the sum of the line totals and
// order_tax_amount the sum of the line taxes. The first violation is reported as Klarna does:
// 400 BAD_VALUE "Bad value: <field>".
func validateCart(c cart, rules cartRules) *klarnaError {
	if rules.requireCountry && !countryPattern.MatchString(c.PurchaseCountry) {
		return badValue("purchase_country")
	}
	if !currencyPattern.MatchString(c.PurchaseCurrency) {
		return badValue("purchase_currency")
	}
	if c.Locale != "" && !localePattern.MatchString(c.Locale) {
		return badValue("locale")
	}
	if len(c.OrderLines) == 0 || len(c.OrderLines) > maxOrderLines {
		return badValue("order_lines")
	}
	var amount, tax int64
	for i, l := range c.OrderLines {
		if err := validateLine(l); err != "" {
			return badValue(fmt.Sprintf("order_lines[%d].%s", i, err))
		}
		amount += l.TotalAmount
		tax += l.TotalTaxAmount
	}
	if c.OrderAmount < rules.minOrderAmount || c.OrderAmount != amount {
		return badValue("order_amount")
	}
	if c.OrderTaxAmount != tax {
		return badValue("order_tax_amount")
	}
	return nil
}

// validateLine returns the name of the first invalid field of an order line, "" when it is valid.
func validateLine(l orderLine) string {
	switch {
	case l.Name == "" || len(l.Name) > 255:
		return "name"
	case l.Type != "" && !slices.Contains([]string{"physical", "discount", "shipping_fee", "sales_tax", "digital",
		"gift_card", "store_credit", "surcharge"}, l.Type):
		return "type"
	case len(l.Reference) > 255:
		return "reference"
	case l.Quantity < 0 || l.Quantity > maxQuantity:
		return "quantity"
	case l.UnitPrice < -maxUnitPrice || l.UnitPrice > maxUnitPrice:
		return "unit_price"
	case l.TaxRate < 0 || l.TaxRate > maxTaxRate:
		return "tax_rate"
	case l.TotalDiscountAmount < 0 || l.TotalDiscountAmount > maxQuantity*maxUnitPrice:
		return "total_discount_amount"
	case l.TotalAmount != l.Quantity*l.UnitPrice-l.TotalDiscountAmount:
		return "total_amount"
	case !taxAddsUp(l.TotalAmount, l.TaxRate, l.TotalTaxAmount):
		return "total_tax_amount"
	case l.Subscription != nil && !validSubscription(*l.Subscription):
		return "subscription"
	}
	return ""
}

// taxAddsUp applies Klarna's rule literally, in integer arithmetic as Klarna documents it: tax must be
// within ±1 of total - total*10000/(10000+rate).
func taxAddsUp(total, rate, tax int64) bool {
	ref := total - total*maxTaxRate/(maxTaxRate+rate)
	return tax >= ref-1 && tax <= ref+1 // no subtraction with tax: it comes unchecked from the request
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func validSubscription(s lineSubscription) bool {
	return s.Name != "" && slices.Contains([]string{"DAY", "WEEK", "MONTH", "YEAR"}, s.Interval) && s.IntervalCount >= 1
}

// validIntent normalises a session intent ("" means buy).
func validIntent(intent string) (string, bool) {
	if intent == "" {
		return "buy", true
	}
	return intent, slices.Contains([]string{"buy", "tokenize", "buy_and_tokenize"}, intent)
}

// callbackURLNames are the merchant_urls Klarna calls server to server and documents as HTTPS only: the
// authorization callback ("You must provide the callback URL over HTTPS", Klarna Payments' authorization
// callback page) and the HPP status callback (reference §5.4, "URL must be HTTPS").
func callbackURLNames() []string { return []string{"authorization", "status_update"} }

// validMerchantURLs checks that every given merchant URL is an absolute http(s) URL of at most 2000
// characters, only uses the names allowed and, for a callback (callbackURLNames), is HTTPS or on a
// loopback host; it returns the offending field name or "".
func validMerchantURLs(urls map[string]string, allowed []string) string {
	names := make([]string, 0, len(urls))
	for name := range urls {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := urls[name]
		if !slices.Contains(allowed, name) {
			return "merchant_urls." + name
		}
		if v == "" {
			continue
		}
		if len(v) > maxURLLength || !absoluteHTTPURL(v) {
			return "merchant_urls." + name
		}
		if slices.Contains(callbackURLNames(), name) && !secureCallbackURL(v) {
			return "merchant_urls." + name
		}
	}
	return ""
}

// absoluteHTTPURL reports whether raw parses as an absolute http or https URL with a host. Placeholders
// such as {session.id} or {{order_id}} are allowed anywhere.
func absoluteHTTPURL(raw string) bool {
	u, err := url.Parse(placeholderFree(raw))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// secureCallbackURL reports whether a callback URL is one Klarna would call: HTTPS. Plain http is
// accepted only for a loopback host (localhost, *.localhost, 127.0.0.0/8, ::1), because the sandbox and
// the app it serves run on http on one machine; that exception is the sandbox's own (Klarna cannot
// reach a merchant's loopback anyway).
func secureCallbackURL(raw string) bool {
	u, err := url.Parse(placeholderFree(raw))
	if err != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	return u.Scheme == "http" && loopbackHost(u.Hostname())
}

// loopbackHost reports whether host names this machine: localhost (and its subdomains, RFC 6761) or a
// loopback IP address.
func loopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// placeholderFree replaces braces so URLs with Klarna's placeholders parse.
func placeholderFree(raw string) string {
	out := []rune(raw)
	for i, r := range out {
		if r == '{' || r == '}' {
			out[i] = 'x'
		}
	}
	return string(out)
}
