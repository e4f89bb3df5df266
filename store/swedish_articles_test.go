package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// swedishTitles are the seeded articles' headlines as 00012_swedish_articles.sql writes them: Norrby
// Tidning publishes in Swedish for every reader.
var swedishTitles = map[string]string{
	"ice-breaks-early-on-lake-norrsjon":      "Isen har gått upp på Norrsjön – våren är flera veckor före",
	"village-schools-face-closure":           "Två byskolor hotas av nedläggning – Norrby saknar 14 miljoner kronor",
	"norrby-bandy-wins-promotion":            "Sent segermål tog Norrby Bandy upp i Allsvenskan",
	"sawmill-bets-on-cross-laminated-timber": "Så satsar Norrby Trä 300 miljoner kronor på korslimmat trä",
	"library-opens-on-sundays":               "Biblioteket i Norrby öppnar på söndagar efter en rekordvinter",
	"housing-queue-pushes-young-people-out":  "Bostadskön som tvingar unga att lämna Norrby",
}

// swedishArticlesVersion is the migration that puts the seeded articles into Swedish.
const swedishArticlesVersion = 12

func TestSeededArticlesAreSwedish(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	articles, err := db.ListArticles(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(articles) != len(swedishTitles) {
		t.Fatalf("%d articles, want the %d seeded ones", len(articles), len(swedishTitles))
	}
	for _, a := range articles {
		if want, ok := swedishTitles[a.Slug]; !ok || a.Title != want {
			t.Errorf("%s: title %q, want %q", a.Slug, a.Title, want)
		}
	}
}

// articleRow is an articles row as stored.
type articleRow struct {
	Title, Summary, Author, Body string
	PublishedAt                  int64
	Premium                      int
	Product                      string
}

// readArticleRows reads every article by slug.
func readArticleRows(t *testing.T, db *sql.DB) map[string]articleRow {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT slug, title, summary, author, body, published_at, premium, product FROM articles`)
	if err != nil {
		t.Fatalf("read articles: %v", err)
	}
	defer rows.Close()
	out := map[string]articleRow{}
	for rows.Next() {
		var slug string
		var r articleRow
		if err := rows.Scan(&slug, &r.Title, &r.Summary, &r.Author, &r.Body, &r.PublishedAt, &r.Premium, &r.Product); err != nil {
			t.Fatalf("read articles: %v", err)
		}
		out[slug] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read articles: %v", err)
	}
	return out
}

// TestSwedishArticlesMigration: the migration rewrites in Swedish only the articles that still hold their
// seeded English text, keeping everything but the words (slug, author, date, premium, product, number of
// paragraphs); an article an operator edited is left alone both ways, and the Down brings back the English
// exactly as it was seeded.
func TestSwedishArticlesMigration(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w, err := openPool(ctx, writerDSN(filepath.Join(t.TempDir(), "app.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	p, err := newMigrationProvider(w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, swedishArticlesVersion-1); err != nil {
		t.Fatalf("migrate up to before the Swedish articles: %v", err)
	}
	seeded := readArticleRows(t, w)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// The operator's own edits: one article replaced before the migration, another with only its body
	// corrected, and after the migration one Swedish headline rewritten.
	const (
		replaced  = "library-opens-on-sundays"
		corrected = "norrby-bandy-wins-promotion"
		retitled  = "village-schools-face-closure"
	)
	exec(`UPDATE articles SET title = 'Stadsbiblioteket får nya öppettider', summary = 'Egen text.', body = 'Egen text.' WHERE slug = ?`, replaced)
	exec(`UPDATE articles SET body = body || char(10, 10) || 'Correction: the match was on Saturday.' WHERE slug = ?`, corrected)
	before := readArticleRows(t, w)

	if _, err := p.UpTo(ctx, swedishArticlesVersion); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	after := readArticleRows(t, w)
	if len(after) != len(seeded) {
		t.Fatalf("%d articles after the migration, want %d", len(after), len(seeded))
	}
	for slug, was := range before {
		got := after[slug]
		switch slug {
		case replaced, corrected:
			if got != was {
				t.Errorf("%s: the operator's article changed:\n got %+v\nwant %+v", slug, got, was)
			}
			continue
		}
		if want := swedishTitles[slug]; got.Title != want {
			t.Errorf("%s: title %q, want %q", slug, got.Title, want)
		}
		if got.Summary == was.Summary || got.Body == was.Body {
			t.Errorf("%s: summary or body still English", slug)
		}
		if n, want := len(strings.Split(got.Body, "\n\n")), len(strings.Split(was.Body, "\n\n")); n != want {
			t.Errorf("%s: %d paragraphs, want %d as in the English", slug, n, want)
		}
		same := articleRow{Title: got.Title, Summary: got.Summary, Body: got.Body,
			Author: was.Author, PublishedAt: was.PublishedAt, Premium: was.Premium, Product: was.Product}
		if got != same {
			t.Errorf("%s: more than the words changed:\n got %+v\nwant %+v", slug, got, same)
		}
	}

	exec(`UPDATE articles SET title = 'Byskolorna kan läggas ned' WHERE slug = ?`, retitled)
	retitledRow := readArticleRows(t, w)[retitled]
	if _, err := p.DownTo(ctx, swedishArticlesVersion-1); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	down := readArticleRows(t, w)
	for slug, want := range before {
		if slug == retitled {
			want = retitledRow
		}
		if got := down[slug]; got != want {
			t.Errorf("%s after the Down:\n got %+v\nwant %+v", slug, got, want)
		}
	}
}
