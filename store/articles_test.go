package store

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestListArticlesSeededContent(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	articles, err := db.ListArticles(t.Context())
	if err != nil {
		t.Fatalf("ListArticles: %v", err)
	}
	if len(articles) != 6 {
		t.Fatalf("got %d articles, want 6", len(articles))
	}

	premium := 0
	seen := map[string]bool{}
	for i, a := range articles {
		t.Run(a.Slug, func(t *testing.T) {
			if !slugPattern.MatchString(a.Slug) {
				t.Errorf("slug %q is not URL-friendly", a.Slug)
			}
			if seen[a.Slug] {
				t.Errorf("duplicate slug")
			}
			seen[a.Slug] = true
			for field, v := range map[string]string{"title": a.Title, "summary": a.Summary, "author": a.Author} {
				if strings.TrimSpace(v) == "" || v != strings.TrimSpace(v) || strings.Contains(v, "\n") {
					t.Errorf("%s %q is empty, padded or multi-line", field, v)
				}
			}
			paragraphs := strings.Split(a.Body, "\n\n")
			if n := len(paragraphs); n < 4 || n > 6 {
				t.Errorf("body has %d paragraphs, want 4-6", n)
			}
			for j, p := range paragraphs {
				if p == "" || p != strings.TrimSpace(p) || strings.ContainsAny(p, "\n\r") {
					t.Errorf("paragraph %d is empty, padded or contains a line break: %q", j, p)
				}
			}
			if a.PublishedAt.IsZero() || a.PublishedAt.Location().String() != "UTC" {
				t.Errorf("PublishedAt = %v, want a UTC time", a.PublishedAt)
			}
			if i > 0 && a.PublishedAt.After(articles[i-1].PublishedAt) {
				t.Errorf("published %v after the previous article (%v): list is not newest first",
					a.PublishedAt, articles[i-1].PublishedAt)
			}
			switch {
			case a.Premium && a.Product != "digital":
				t.Errorf("premium article has product %q, want digital", a.Product)
			case !a.Premium && a.Product != "":
				t.Errorf("free article has product %q, want none", a.Product)
			}
		})
		if a.Premium {
			premium++
		}
	}
	if premium < 3 || premium > 4 {
		t.Errorf("%d premium articles, want 3-4", premium)
	}
	if articles[0].Premium {
		t.Errorf("the newest article is premium; the front page should open with a free one")
	}
}

func TestArticleBySlug(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	all, err := db.ListArticles(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]Article{}
	for _, a := range all {
		bySlug[a.Slug] = a
	}

	tests := []struct {
		name    string
		slug    string
		wantErr error
	}{
		{"free article", "ice-breaks-early-on-lake-norrsjon", nil},
		{"premium article", "village-schools-face-closure", nil},
		{"unknown", "no-such-article", ErrNotFound},
		{"empty", "", ErrNotFound},
		{"case matters", "Village-Schools-Face-Closure", ErrNotFound},
		{"injection attempt", "' OR 1=1 --", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.ArticleBySlug(t.Context(), tt.slug)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ArticleBySlug: %v", err)
			}
			want, ok := bySlug[tt.slug]
			if !ok {
				t.Fatalf("test slug %q not in the listing", tt.slug)
			}
			if got != want {
				t.Errorf("ArticleBySlug = %+v\nwant (from list) %+v", got, want)
			}
		})
	}
}

func TestArticlesCanceledContext(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := db.ListArticles(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ListArticles with canceled ctx: %v, want context.Canceled", err)
	}
	if _, err := db.ArticleBySlug(ctx, "village-schools-face-closure"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("ArticleBySlug with canceled ctx: %v, want a context error, not ErrNotFound", err)
	}
}
