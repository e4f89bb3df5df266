package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// home lists the latest articles: the shared page (shared_pages.go) for a reader without a session.
func (a *App) home(c echo.Context) error {
	if servesShared(c) {
		return a.renderShared(c, func(ctx context.Context) (templ.Component, error) {
			return a.homePage(ctx, a.sharedPage("", c))
		})
	}
	comp, err := a.homePage(c.Request().Context(), a.page(c, ""))
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, comp)
}

// homePage is the home page with the given layout model.
func (a *App) homePage(ctx context.Context, p views.Page) (templ.Component, error) {
	list, err := a.db.ListArticleSummaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("home: %w", err)
	}
	cards := make([]views.ArticleCard, 0, len(list))
	for _, art := range list {
		cards = append(cards, views.ArticleCard{
			Slug: art.Slug, Title: art.Title, Summary: art.Summary, Author: art.Author,
			PublishedAt: art.PublishedAt, Premium: art.Premium,
		})
	}
	return views.Home(p, cards), nil
}

// article shows an article: all of it when it is free or the reader has the product that unlocks it
// (Payway's me/active_products), otherwise a teaser and the paywall box. A reader without a session gets
// the shared page (shared_pages.go).
func (a *App) article(c echo.Context) error {
	slug := c.Param("slug")
	if servesShared(c) {
		return a.renderShared(c, func(ctx context.Context) (templ.Component, error) {
			art, err := a.articleBySlug(ctx, slug)
			if err != nil {
				return nil, err
			}
			return articlePage(a.sharedPage(art.Title, c), art, !art.Premium), nil
		})
	}
	art, err := a.articleBySlug(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	unlocked := !art.Premium
	if art.Premium && currentUser(c) != nil {
		unlocked, err = a.hasProduct(c, art.Product)
		if err != nil {
			return err
		}
	}
	p := a.page(c, art.Title)
	key := fmt.Sprintf("article|%s|%s|unlocked=%t|user=%t", localizer(c).Lang(), art.Slug, unlocked, p.User != nil)
	content, err := a.fragment(c.Request().Context(), key, views.ArticleContent(p, articleView(art, unlocked)))
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, views.ArticlePrerendered(p, content))
}

// articleBySlug is the article at the slug, or the page saying there is none.
func (a *App) articleBySlug(ctx context.Context, slug string) (store.Article, error) {
	art, err := a.db.ArticleBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return art, &Error{Code: ENOTFOUND, Message: msg("ErrArticleNotFound")}
	}
	if err != nil {
		return art, fmt.Errorf("article %q: %w", slug, err)
	}
	return art, nil
}

// articlePage is the article's page, whole or behind the paywall.
func articlePage(p views.Page, art store.Article, unlocked bool) templ.Component {
	return views.Article(p, articleView(art, unlocked))
}

// articleView is the article as its page shows it.
func articleView(art store.Article, unlocked bool) views.ArticleView {
	return views.ArticleView{
		Slug: art.Slug, Title: art.Title, Summary: art.Summary, Author: art.Author,
		PublishedAt: art.PublishedAt, Premium: art.Premium,
		Paragraphs:   paragraphs(art.Body),
		Unlocked:     unlocked,
		SubscribeURL: paths.Subscribe(paths.Article(art.Slug)),
	}
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
