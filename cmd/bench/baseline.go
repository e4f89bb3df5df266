package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	_ "modernc.org/sqlite" // the same pure-Go driver (and version, go.mod) as the app
)

// The baseline is the floor the app is measured against: a bare Echo server on the same echo, templ and
// sqlite versions (this module's go.mod) with no middleware, no sessions and no upstream calls. It runs as
// a child process of its own (bench -serve-baseline), like the app, so neither shares a heap, a scheduler
// or a garbage collector with the load generator, and its RSS is its own.

// story is the baseline page's article: about 4 KB of page once laid out, like the app's article pages.
var story = article{
	Title:     "Council votes to keep the village schools open another year",
	Byline:    "Karin Lind",
	Published: "2026-03-14",
	Paragraphs: []string{
		"Norrby's municipal council voted on Tuesday evening to keep the three village schools in Åby, Ytterby and Östmark open for at least one more school year, after a debate that ran well past midnight.",
		"The decision overturns a proposal from the education committee, which wanted to move the schools' 140 pupils to the central school in Norrby from the autumn term to save an estimated 9 million kronor a year.",
		"Parents had filled the public gallery and the corridor outside it. Many had driven in from the villages straight after work, some with children asleep in the back seat, to hear the vote read out.",
		"The council's chair said the savings were real but that the committee had not shown how the longer journeys would be organised, nor what the closures would mean for families considering moving to the villages.",
		"The committee must now return in the spring with a plan that covers school transport, the buildings' upkeep and the number of pupils each school can expect over the coming five years.",
		"Teachers' unions welcomed the delay but warned that a year of uncertainty makes it harder to recruit. Two of the three schools already rely on substitutes for music and crafts lessons.",
		"In Östmark, where the school also houses the village library and the after-school club, parents have started a petition asking the council to treat the building as a community centre rather than a classroom alone.",
		"The opposition, which voted against the closures, said it would propose a joint budget for schools and rural services in the autumn, so that savings in one are not simply paid for by the other.",
		"Åby's school, the smallest of the three with 31 pupils, was built in 1912 and renovated twice. Its headteacher said the vote gave the staff time to show what a small school can do, and invited councillors to visit.",
		"The education committee meets again in February. Its chair said the committee would listen to the villages before it writes its new proposal, and that no decision on the following year has been taken.",
	},
}

// storyRowID is the row GET /page-db reads: the story, its paragraphs joined by blank lines.
const storyRowID = 1

// serveBaseline serves the baseline on addr until ctx ends. dbPath is a file it creates and seeds (one row,
// the story); the page-db route reads that row through database/sql on every request, with a prepared
// statement: the floor one SQLite read can reach, which the app's store may aim for.
func serveBaseline(ctx context.Context, addr, dbPath string) error {
	db, err := openBaselineDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	read, err := db.PrepareContext(ctx, `SELECT title, byline, published, body FROM articles WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("baseline: prepare: %w", err)
	}
	defer read.Close()

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "Hello, World!") })
	e.GET("/page", func(c echo.Context) error { return renderBaseline(c, baselinePage(story)) })
	e.GET("/page-db", func(c echo.Context) error {
		var a article
		var body string
		if err := read.QueryRowContext(c.Request().Context(), storyRowID).Scan(&a.Title, &a.Byline, &a.Published, &body); err != nil {
			return err
		}
		a.Paragraphs = strings.Split(body, "\n\n")
		return renderBaseline(c, baselinePage(a))
	})
	e.GET("/readyz", func(c echo.Context) error { return c.String(http.StatusOK, "ready") })

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	// The same server timeouts as cmd/paywall's listen.
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// renderBaseline renders the way the app's handlers do (handlers/render.go): into a buffer, then one
// write, so a template error never sends half a page.
func renderBaseline(c echo.Context, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(context.WithoutCancel(c.Request().Context()), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// openBaselineDB seeds the file through one write connection, then opens it read-only with the read pool
// the app's store uses (store.Open: WAL, max(4, NumCPU) open and idle connections), so the SQLite read
// costs what one of the app's reads costs.
func openBaselineDB(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	w, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("baseline: open: %w", err)
	}
	_, err = w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
		byline TEXT NOT NULL, published TEXT NOT NULL, body TEXT NOT NULL) STRICT`)
	if err == nil {
		_, err = w.ExecContext(ctx, `INSERT OR REPLACE INTO articles (id, title, byline, published, body) VALUES (?, ?, ?, ?, ?)`,
			storyRowID, story.Title, story.Byline, story.Published, strings.Join(story.Paragraphs, "\n\n"))
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: seed: %w", err)
	}
	r := url.Values{}
	r.Set("mode", "ro")
	r.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+r.Encode())
	if err != nil {
		return nil, fmt.Errorf("baseline: open: %w", err)
	}
	n := max(4, runtime.NumCPU())
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("baseline: open: %w", err), db.Close())
	}
	return db, nil
}
