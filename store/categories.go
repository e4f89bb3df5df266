package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paywall/paywall/checkout"
)

// storedCategory is a payment method category as categories_json keeps it (both purchase tables): Klarna's
// identifier, name and descriptive asset URL.
type storedCategory struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name,omitempty"`
	AssetURL   string `json:"asset_url,omitempty"`
}

// UnmarshalJSON also reads a bare identifier string: rows written before issue 15 kept only identifiers
// (["klarna","direct_debit"]); they read as categories without a name or asset.
func (c *storedCategory) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '"' {
		*c = storedCategory{}
		return json.Unmarshal(trimmed, &c.Identifier)
	}
	type plain storedCategory // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*c = storedCategory(p)
	return nil
}

// categoriesJSON is a purchase's payment categories as stored ("[]" for none).
func categoriesJSON(categories []checkout.Category) (string, error) {
	out := make([]storedCategory, 0, len(categories))
	for _, c := range categories {
		out = append(out, storedCategory(c))
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("store: encode categories: %w", err)
	}
	return string(b), nil
}

// decodeCategories reads categories_json, objects or (older rows) bare identifiers; nil for none.
func decodeCategories(raw string) ([]checkout.Category, error) {
	var stored []storedCategory
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	if len(stored) == 0 {
		return nil, nil
	}
	out := make([]checkout.Category, 0, len(stored))
	for _, c := range stored {
		out = append(out, checkout.Category(c))
	}
	return out, nil
}
