package paths

import "testing"

func TestBuilders(t *testing.T) {
	t.Parallel()
	const id = "0123456789ABCDEF"
	tests := []struct{ got, want string }{
		{Article("the-slug"), "/articles/the-slug"},
		{Login("/articles/x?y=1"), "/login?return=%2Farticles%2Fx%3Fy%3D1"},
		{Subscribe(Account), "/subscribe?return=%2Faccount"},
		{SubscribeOffer("monthly", "/articles/x"), "/subscribe?offer=monthly&return=%2Farticles%2Fx"},
		{Checkout(id), "/checkout/" + id},
		{CheckoutOrder(id), "/checkout/" + id + "/order"},
		{Confirmation(id), "/checkout/" + id + "/confirmation"},
		{OneClick(id), "/account/purchases/" + id},
		{AccountRemoved(), "/account?saved-method=removed"},
		{OneClickConsent(id), "/account/purchases/" + id + "/consent"},
		{OneClickOrder(id), "/account/purchases/" + id + "/order"},
		{Recovery(id), "/recovery/" + id},
		{RecoveryOrder(id), "/recovery/" + id + "/order"},
		{RecoveryHPP(id), "/recovery/" + id + "/hpp"},
		{RecoveryReturn(id, "success"), "/recovery/" + id + "/return?outcome=success"},
		{RecoveryReturn("a/b", "x&y"), "/recovery/a%2Fb/return?outcome=x%26y"},
		{HPPCallback(id, "s+e/c=r&t"), "/recovery/" + id + "/hpp/callback?secret=s%2Be%2Fc%3Dr%26t"},
		{DemoDone("login", ""), "/demo?done=login"},
		{DemoDone("fault", "faults"), "/demo?done=fault#faults"},
		{DemoScenario("step-up"), "/demo/scenarios/step-up"},
		{DemoFaultDisarm("f1"), "/demo/faults/f1/disarm"},
		{DemoPurchase(id), "/demo/purchases/" + id},
		{Static("css/app.css"), "/static/css/app.css"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestArticleSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path     string
		wantSlug string
		wantOK   bool
	}{
		{Article("the-slug"), "the-slug", true},
		{"/articles/the-slug?from=mail#top", "the-slug", true},
		{Account, "", false},
		{Home, "", false},
		{"/articles/", "", false},
		{"/articles/a/b", "", false},
		{SubscribeOffer("monthly", Article("the-slug")), "", false},
	}
	for _, tt := range tests {
		if slug, ok := ArticleSlug(tt.path); slug != tt.wantSlug || ok != tt.wantOK {
			t.Errorf("ArticleSlug(%q) = %q, %v; want %q, %v", tt.path, slug, ok, tt.wantSlug, tt.wantOK)
		}
	}
}
