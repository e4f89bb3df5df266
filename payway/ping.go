package payway

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/paywall/paywall/internal/apilog"
)

// Ping reports whether Payway answers HTTP at all (readiness): any response below 500 is reachable.
// It requests the API origin without credentials, does not follow redirects (a redirect is an answer)
// and is not reported to the Observer, since readiness probes would drown the purchase events.
func (c *Client) Ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/", nil)
	if err != nil {
		return fmt.Errorf("payway: ping: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("payway: ping: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, apilog.MaxExcerpt))
	if resp.StatusCode >= 500 {
		return fmt.Errorf("payway: ping: %w", decodeError(resp.StatusCode, body))
	}
	return nil
}
