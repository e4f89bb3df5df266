package checkout

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

//go:embed oneclick.json
var defaultOneClickOffers []byte

// LoadOneClickOffers reads the one-click offers from a file, or the embedded default when path is "".
// They are validated at start-up: these prices go to Klarna as they are, so a typo must not reach a
// customer's card.
func LoadOneClickOffers(path string) ([]OneClickOffer, error) {
	data := defaultOneClickOffers
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("checkout: one-click offers: %w", err)
		}
		data = b
	}
	var f struct {
		Offers []OneClickOffer `json:"offers"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("checkout: one-click offers %q: %w", path, err)
	}
	if err := validateOneClickOffers(f.Offers); err != nil {
		return nil, fmt.Errorf("checkout: one-click offers %q: %w", path, err)
	}
	return f.Offers, nil
}

func validateOneClickOffers(offers []OneClickOffer) error {
	if len(offers) == 0 {
		return errors.New("no offers")
	}
	seen := map[string]bool{}
	var errs []error
	for i, o := range offers {
		switch {
		case o.ID == "" || o.Title == "" || o.Reference == "":
			errs = append(errs, fmt.Errorf("offer %d: id, title and reference are required", i))
		case seen[o.ID]:
			errs = append(errs, fmt.Errorf("offer %q: duplicate id", o.ID))
		case o.AmountMinor < 1:
			errs = append(errs, fmt.Errorf("offer %q: amount_minor must be at least 1", o.ID))
		case o.TaxRate < 0 || o.TaxRate > 10000:
			errs = append(errs, fmt.Errorf("offer %q: tax_rate %d is not 0..10000", o.ID, o.TaxRate))
		case len(o.Title) > 255 || len(o.Reference) > 255:
			errs = append(errs, fmt.Errorf("offer %q: title and reference are at most 255 characters (Klarna's limit)", o.ID))
		}
		seen[o.ID] = true
	}
	return errors.Join(errs...)
}
