package checkout

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

//go:embed catalogue.json
var defaultCatalogue []byte

// Offer kinds: a package is bought with place_order; a campaign too; a trial is a free campaign bought with
// place_trial_order, only with direct debit.
const (
	KindPackage  = "package"
	KindCampaign = "campaign"
	KindTrial    = "trial"
)

// Period names a Payway payment period by its shape, so the catalogue does not hard-code Payway's ids.
type Period struct {
	IterationType   string `json:"iteration_type"`
	IterationLength int    `json:"iteration_length"`
}

// Offer is what a reader can choose on the subscribe page. Prices are not in the file: they come from
// Payway's payment_periods, so the page never shows a price Payway would not charge.
type Offer struct {
	ID        string   `json:"id"`
	Code      string   `json:"code"` // Payway package or campaign code
	Kind      string   `json:"kind"`
	Period    Period   `json:"period"`
	Title     string   `json:"title"`
	Summary   string   `json:"summary"`
	Benefits  []string `json:"benefits"`
	Product   string   `json:"product"` // the product code it unlocks
	TurnsInto string   `json:"turns_into,omitempty"`
	Featured  bool     `json:"featured,omitempty"`
	// Translations are the offer's texts in other languages than the base texts above, by language
	// ("sv", "en"): the readers' pages show them in their language (Offer.In).
	Translations map[string]OfferText `json:"translations,omitempty"`
}

// OfferText is an offer's words in one language; an empty field keeps the base text.
type OfferText struct {
	Title    string   `json:"title,omitempty"`
	Summary  string   `json:"summary,omitempty"`
	Benefits []string `json:"benefits,omitempty"`
}

// In is the offer with its texts in lang (the base texts where the catalogue has none in lang).
func (o Offer) In(lang string) Offer {
	t, ok := o.Translations[lang]
	if !ok {
		return o
	}
	o.Title = cmpOr(t.Title, o.Title)
	o.Summary = cmpOr(t.Summary, o.Summary)
	if len(t.Benefits) > 0 {
		o.Benefits = t.Benefits
	}
	return o
}

// Trial reports whether the offer is a free trial (place_trial_order, direct debit only).
func (o Offer) Trial() bool { return o.Kind == KindTrial }

// Catalogue is the offers the paywall sells, in display order.
type Catalogue struct {
	Currency string  `json:"currency"`
	Offers   []Offer `json:"offers"`
}

// LoadCatalogue reads a catalogue file, or the embedded default when path is "". It is validated so a
// typo fails at start-up, not in front of a reader.
func LoadCatalogue(path string) (Catalogue, error) {
	data := defaultCatalogue
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Catalogue{}, fmt.Errorf("checkout: catalogue: %w", err)
		}
		data = b
	}
	var c Catalogue
	if err := json.Unmarshal(data, &c); err != nil {
		return Catalogue{}, fmt.Errorf("checkout: catalogue %q: %w", path, err)
	}
	if err := c.validate(); err != nil {
		return Catalogue{}, fmt.Errorf("checkout: catalogue %q: %w", path, err)
	}
	return c, nil
}

func (c Catalogue) validate() error {
	if c.Currency == "" {
		return errors.New("currency is required")
	}
	if len(c.Offers) == 0 {
		return errors.New("no offers")
	}
	seen := map[string]bool{}
	var errs []error
	for i, o := range c.Offers {
		switch {
		case o.ID == "" || o.Code == "" || o.Title == "" || o.Product == "":
			errs = append(errs, fmt.Errorf("offer %d: id, code, title and product are required", i))
		case seen[o.ID]:
			errs = append(errs, fmt.Errorf("offer %q: duplicate id", o.ID))
		case o.Kind != KindPackage && o.Kind != KindCampaign && o.Kind != KindTrial:
			errs = append(errs, fmt.Errorf("offer %q: kind %q is not package, campaign or trial", o.ID, o.Kind))
		case o.Period.IterationType == "" || o.Period.IterationLength < 1:
			errs = append(errs, fmt.Errorf("offer %q: period needs iteration_type and iteration_length", o.ID))
		}
		seen[o.ID] = true
	}
	for _, o := range c.Offers {
		if o.TurnsInto != "" && !seen[o.TurnsInto] {
			errs = append(errs, fmt.Errorf("offer %q: turns_into %q is not an offer", o.ID, o.TurnsInto))
		}
	}
	return errors.Join(errs...)
}

// Offer finds an offer by id.
func (c Catalogue) Offer(id string) (Offer, bool) {
	for _, o := range c.Offers {
		if o.ID == id {
			return o, true
		}
	}
	return Offer{}, false
}
