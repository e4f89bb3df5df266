package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

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

// categoryLists interns purchases' category lists. Klarna offers the same few lists to every reader of a
// market (the same categories, names and assets), and every read of a purchase decoded its own copy and
// every update encoded it again: the copies were a third of what the purchases kept in memory held
// under purchase journeys. A list read here is shared by every purchase that stored the same JSON, so it
// is read-only (nothing in the app writes into a purchase's categories; it replaces them whole).
type categoryLists struct {
	mu      sync.Mutex
	decoded map[string][]checkout.Category // by categories_json
	encoded map[listID]string              // a list handed out by decode, to its JSON as written now
}

// listID names a list handed out by categoryLists.decode: its first element and its length.
type listID struct {
	first *checkout.Category
	n     int
}

// maxCategoryLists bounds the interned lists; past it they start over (a market has a handful).
const maxCategoryLists = 256

func newCategoryLists() *categoryLists {
	return &categoryLists{decoded: map[string][]checkout.Category{}, encoded: map[listID]string{}}
}

// decode reads categories_json as decodeCategories does, sharing the list with every earlier read of
// the same JSON.
func (l *categoryLists) decode(raw string) ([]checkout.Category, error) {
	l.mu.Lock()
	cats, ok := l.decoded[raw]
	l.mu.Unlock()
	if ok {
		return cats, nil
	}
	cats, err := decodeCategories(raw)
	if err != nil || len(cats) == 0 {
		return cats, err
	}
	canonical, err := categoriesJSON(cats) // an older row's bare identifiers are written back as objects
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.decoded) >= maxCategoryLists {
		clear(l.decoded)
		clear(l.encoded)
	}
	l.decoded[raw] = cats
	l.encoded[listID{&cats[0], len(cats)}] = canonical
	return cats, nil
}

// encode is categoriesJSON, without encoding again a list that decode handed out.
func (l *categoryLists) encode(cats []checkout.Category) (string, error) {
	if len(cats) > 0 {
		l.mu.Lock()
		raw, ok := l.encoded[listID{&cats[0], len(cats)}]
		l.mu.Unlock()
		if ok {
			return raw, nil
		}
	}
	return categoriesJSON(cats)
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
