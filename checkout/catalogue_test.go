package checkout

import "testing"

// TestOfferIn: an offer shows its texts in the reader's language, falling back to the base texts for a
// language the catalogue lacks and for a field a translation leaves out.
func TestOfferIn(t *testing.T) {
	c, err := LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	monthly, _ := c.Offer("monthly")
	partial := Offer{Title: "Base", Summary: "Base summary", Benefits: []string{"b"},
		Translations: map[string]OfferText{"sv": {Title: "Bas"}}}
	tests := []struct {
		name, lang string
		offer      Offer
		wantTitle  string
		wantFirst  string // first benefit
	}{
		{"Swedish", "sv", monthly, "Digital – månad", "Alla artiklar för prenumeranter"},
		{"English: the base texts", "en", monthly, "Digital – monthly", "All premium articles"},
		{"a language the catalogue lacks", "de", monthly, "Digital – monthly", "All premium articles"},
		{"a translation without benefits keeps the base ones", "sv", partial, "Bas", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.offer.In(tt.lang)
			if got.Title != tt.wantTitle || len(got.Benefits) == 0 || got.Benefits[0] != tt.wantFirst {
				t.Errorf("In(%q) = %q, %v", tt.lang, got.Title, got.Benefits)
			}
		})
	}
	for _, o := range c.Offers {
		if sv := o.In("sv"); sv.Title == o.Title || sv.Summary == o.Summary {
			t.Errorf("offer %s has no Swedish title or summary", o.ID)
		}
	}
}
