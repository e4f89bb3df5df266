// Package views holds the templ components of every page and the view models they render.
package views

import "github.com/paywall/paywall/internal/paths"

// Page is what the layout needs on every page: the environment badge, who is logged in, the CSRF token for
// forms and where the cache-busted static assets live.
type Page struct {
	Title     string
	Env       string // "Sandbox" or "Live"
	CSRF      string
	User      *User
	RequestID string
	// Asset maps a file under static/ to its cache-busted URL.
	Asset func(name string) string
	// Demo is the sandbox's demo strip (scenario instructions, "what happened" for this page's purchase);
	// nil outside sandbox mode and on pages with nothing to say.
	Demo *DemoBar
	// Wide lets the page use the full width (the demo console's tables and charts).
	Wide bool
	// Path is this page's address (path and query), where the footer's language switch comes back to.
	Path string
	// Frames, when set, keeps the layout rendered once per variant (frame.go); the app sets one for all its
	// pages.
	Frames *Frames

	framing bool // the layout is being rendered with placeholders, to cut a frame from it
}

// User is the logged-in customer as shown in the header.
type User struct {
	Name  string
	Email string
}

// asset returns the URL of a static file, or a plain /static path when no mapper is set (tests).
func (p Page) asset(name string) string {
	if p.Asset == nil {
		return paths.Static(name)
	}
	return p.Asset(name)
}

// title is the document title with the site name.
func (p Page) title() string {
	if p.Title == "" {
		return SiteName
	}
	return p.Title + " – " + SiteName
}

// SiteName is the newspaper the demo sells subscriptions for.
const SiteName = "Norrby Tidning"

// sandbox reports whether the app runs against the embedded sandbox (the header then links the demo console).
func (p Page) sandbox() bool { return p.Env == "Sandbox" }

// mainClass is the main element's class: the reading width, or the full width for wide pages.
func (p Page) mainClass() string {
	if p.Wide {
		return "wrap wide"
	}
	return "wrap"
}
