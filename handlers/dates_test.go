package handlers_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDatesAreThePapersCalendar: a trial bought at 23:30 UTC on the last day of a month is, in Stockholm,
// bought on the first of the next one. The confirmation's last free day counts the month from that
// Stockholm date, and the account page dates the purchase on it, where UTC's calendar would say a day (and
// at a month's end a few days) earlier.
func TestDatesAreThePapersCalendar(t *testing.T) {
	t.Parallel()
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	app := newTestApp(t)
	now := app.Clock.Now().UTC()
	at := monthEndEvening(now)
	app.Clock.Advance(at.Sub(now))

	c := app.client()
	id := c.startPurchase("reader@example.se", "trial")
	auth := app.authorize(id, "customer@email.se", "direct_debit")
	res := c.placeOrder(id, auth)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("order: %d %s", res.Status, res.Body)
	}
	confirmation := strings.TrimPrefix(c.followSandboxRedirect(res.Header.Get("Location")), app.URL)
	p, err := app.DB.Purchase(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	bought := p.CreatedAt.In(stockholm)
	if utc := p.CreatedAt.UTC(); bought.Day() == utc.Day() {
		t.Fatalf("bought at %s: the same day in UTC and Stockholm, so this test shows nothing (want 23:30 UTC at a month's end)", utc)
	}
	freeUntil := bought.AddDate(0, 1, 0).Format("2 January 2006")
	utcFreeUntil := p.CreatedAt.UTC().AddDate(0, 1, 0).Format("2 January 2006")
	if freeUntil == utcFreeUntil {
		t.Fatalf("free until %s on either calendar: this test shows nothing", freeUntil)
	}

	page := c.get(confirmation)
	price := regexp.MustCompile(`data-testid="confirmation-price">([^<]*)<`).FindStringSubmatch(page.Body)
	if price == nil || !strings.HasPrefix(html.UnescapeString(price[1]), "Free until "+freeUntil+", then ") {
		t.Errorf("confirmation of a trial bought %s (Stockholm): %q, want free until %s (UTC's calendar: %s)",
			bought.Format(time.DateTime), price, freeUntil, utcFreeUntil)
	}
	account := c.get("/account")
	if want := `<span class="muted">` + bought.Format("2 January 2006") + `</span>`; !strings.Contains(account.Body, want) {
		t.Errorf("the account page does not date the purchase %s: want %s", bought.Format(time.DateTime), want)
	}
}

// monthEndEvening is 23:30 UTC on the last day of now's month (of the next month when that has passed or
// is under a minute away): in Stockholm, half past midnight or later on the first of the next month.
func monthEndEvening(now time.Time) time.Time {
	for first := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC); ; first = first.AddDate(0, 1, 0) {
		if at := first.Add(-30 * time.Minute); at.After(now.Add(time.Minute)) {
			return at
		}
	}
}
