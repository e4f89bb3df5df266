package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Article is one newspaper article. The demo articles are seeded by a migration, so the app has content
// to put behind the paywall without an editorial system.
type Article struct {
	Slug, Title, Summary, Author string
	Body                         string // paragraphs separated by "\n\n"
	PublishedAt                  time.Time
	Premium                      bool
	Product                      string // product code that unlocks it when Premium, "digital" for all seeded ones
}

const articleColumns = `slug, title, summary, author, body, published_at, premium, product`

// ListArticles returns all articles, newest first (slug breaks ties so the order is stable).
func (db *DB) ListArticles(ctx context.Context) ([]Article, error) {
	return db.listArticles(ctx, `SELECT `+articleColumns+` FROM articles ORDER BY published_at DESC, slug`)
}

// articleCacheTTL is how long articles are served from memory. The app never writes articles (they are
// seeded, or written by the newsroom's tools): the TTL is how long an edit made there takes to show.
const articleCacheTTL = 30 * time.Second

// ListArticleSummaries is ListArticles without the bodies (Body is ""): what a list of articles shows,
// without reading every article whole. Served from memory for articleCacheTTL. The slice is shared:
// callers must not change it.
func (db *DB) ListArticleSummaries(ctx context.Context) ([]Article, error) {
	return db.summaries.Get(ctx, struct{}{}, func(ctx context.Context) ([]Article, error) {
		return db.listArticles(ctx, `SELECT slug, title, summary, author, '', published_at, premium, product
			FROM articles ORDER BY published_at DESC, slug`)
	})
}

func (db *DB) listArticles(ctx context.Context, query string) ([]Article, error) {
	rows, err := db.query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	return out, nil
}

// ArticleBySlug returns the article with the given slug, or an error wrapping ErrNotFound. Found
// articles are served from memory for articleCacheTTL.
func (db *DB) ArticleBySlug(ctx context.Context, slug string) (Article, error) {
	return db.articles.Get(ctx, slug, func(ctx context.Context) (Article, error) {
		return db.readArticle(ctx, slug)
	})
}

func (db *DB) readArticle(ctx context.Context, slug string) (Article, error) {
	row := db.queryRow(ctx, `SELECT `+articleColumns+` FROM articles WHERE slug = ?`, slug)
	a, err := scanArticle(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, fmt.Errorf("store: article %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Article{}, fmt.Errorf("store: article %q: %w", slug, err)
	}
	return a, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanArticle(s scanner) (Article, error) {
	var (
		a         Article
		published int64
	)
	if err := s.Scan(&a.Slug, &a.Title, &a.Summary, &a.Author, &a.Body, &published, &a.Premium, &a.Product); err != nil {
		return Article{}, err
	}
	a.PublishedAt = time.Unix(published, 0).UTC()
	return a, nil
}
