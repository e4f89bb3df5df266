package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// home lists the latest articles.
func (a *App) home(c echo.Context) error {
	list, err := a.db.ListArticleSummaries(c.Request().Context())
	if err != nil {
		return fmt.Errorf("home: %w", err)
	}
	cards := make([]views.ArticleCard, 0, len(list))
	for _, art := range list {
		cards = append(cards, views.ArticleCard{
			Slug: art.Slug, Title: art.Title, Summary: art.Summary, Author: art.Author,
			PublishedAt: art.PublishedAt, Premium: art.Premium,
		})
	}
	return a.render(c, http.StatusOK, views.Home(a.page(c, ""), cards))
}

// article shows an article: all of it when it is free or the reader has the product that unlocks it
// (Payway's me/active_products), otherwise a teaser and the paywall box.
func (a *App) article(c echo.Context) error {
	art, err := a.db.ArticleBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Message: "There is no article at this address. It may have been moved or unpublished."}
	}
	if err != nil {
		return fmt.Errorf("article %q: %w", c.Param("slug"), err)
	}
	unlocked := !art.Premium
	if art.Premium && currentUser(c) != nil {
		unlocked, err = a.hasProduct(c, art.Product)
		if err != nil {
			return err
		}
	}
	path := paths.Article(art.Slug)
	view := views.ArticleView{
		Slug: art.Slug, Title: art.Title, Summary: art.Summary, Author: art.Author,
		PublishedAt: art.PublishedAt, Premium: art.Premium,
		Paragraphs:   paragraphs(art.Body),
		Unlocked:     unlocked,
		SubscribeURL: paths.Subscribe(path),
	}
	return a.render(c, http.StatusOK, views.Article(a.page(c, art.Title), view))
}

// hasProduct asks Payway whether the logged-in customer has an active product.
func (a *App) hasProduct(c echo.Context, product string) (bool, error) {
	token, err := a.accessToken(c)
	if errors.Is(err, errSessionEnded) {
		return false, nil // logged out by the refresh failure: they see the paywall with a login link
	}
	if err != nil {
		return false, err
	}
	products, err := a.activeProducts(c.Request().Context(), checkout.Customer{AccountID: currentUser(c).AccountID, AccessToken: token})
	if err != nil {
		return false, paywayUnavailable(err)
	}
	return slices.Contains(products, product), nil
}

// paragraphs splits an article body on blank lines.
func paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
