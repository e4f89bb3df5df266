package apilog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// DefaultMaxResponseBytes is the response body limit Do applies when Request.MaxResponseBytes is 0.
// Both APIs answer with small JSON bodies, so anything bigger means something is wrong and must not
// exhaust memory.
const DefaultMaxResponseBytes = 4 << 20

// Request is one HTTP call for Do, already encoded by the client: Do knows nothing of either API's
// authentication, envelopes or error shapes, only of the plumbing every call shares.
type Request struct {
	// Service names the API in the reported Exchange: "payway", "klarna".
	Service string
	// Call names the operation in the reported Exchange, e.g. "klarna.create_token_order".
	Call   string
	Method string
	// Base is the API origin (no trailing slash), e.g. https://api.klarna.com. It is not reported: the
	// Exchange's Path is enough to tell calls apart and the origin is configuration.
	Base string
	// Path is the path with its query string, if any, appended to Base. It is reported masked
	// (MaskPath), since paths and queries can carry tokens.
	Path string
	// Body is the encoded request body, nil for none. It is reported masked (MaskBody).
	Body []byte
	// Header holds the request headers, credentials included (Authorization, idempotency keys). Headers
	// are never reported, which is why the credentials can travel here unmasked.
	Header http.Header
	// MaxResponseBytes bounds how much of the response body is read; a longer body is an error. 0 means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// Response is what Do hands to the client's decode function: the status, the headers (e.g. Klarna's
// correlation id) and the whole body, read within Request.MaxResponseBytes.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// errBuild marks a request that could not be built: it was never sent.
var errBuild = errors.New("build request")

// Do sends req with hc (nil: http.DefaultClient), reads the response body within the limit, passes the
// response to decode (nil: any response is a success) and returns decode's error, or the error that
// stopped the call before that.
//
// Unless the request cannot even be built, the exchange is reported to obs (nil: none) exactly once,
// after the response has been read and decoded, also when the call fails: a timeout (Status 0) or an API
// error is what the observer most needs to see. That is why decoding is a callback rather than the
// caller's next step: the reported Err must be the error the call returns, decoding errors included.
// The Duration is wall-clock time from sending to the end of decoding, measured with time.Now even when
// a client runs under a test clock, so recorded durations stay real.
func Do(ctx context.Context, hc *http.Client, obs Observer, req Request, decode func(Response) error) (err error) {
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.Base+req.Path, bytes.NewReader(req.Body))
	if err != nil {
		return fmt.Errorf("%w: %w", errBuild, err)
	}
	for name, values := range req.Header {
		hreq.Header[name] = values
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	if s, ok := obs.(Selective); ok && !s.Records(ctx) {
		obs = nil // nothing to mask or report
	}
	limit := req.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}

	start := time.Now() // wall clock, not a client's clock: durations must be real even under a test clock
	var ex Exchange
	if obs != nil {
		ex = Exchange{Service: req.Service, Call: req.Call, Method: req.Method, Path: MaskPath(req.Path), RequestBody: MaskBody(req.Body)}
	}
	defer func() {
		if obs != nil {
			ex.Duration, ex.Err = time.Since(start), err
			obs.Observe(ctx, ex)
		}
	}()

	resp, err := hc.Do(hreq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if int64(len(body)) > limit {
		return fmt.Errorf("read response: body exceeds %d bytes", limit)
	}
	if obs != nil {
		ex.ResponseBody, ex.IDs = MaskBodyIDs(body)
	}
	if decode == nil {
		return nil
	}
	return decode(Response{Status: resp.StatusCode, Header: resp.Header, Body: body})
}

// NotSent reports whether err shows that the request never reached the server, so the call cannot have
// acted: the request could not be built, or the connection could not be made (refused, no route, the
// name did not resolve, the dial timed out). Any other failure (a timeout after sending, the connection
// lost while waiting, a 5xx) leaves the outcome unknown.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	return errors.Is(err, errBuild)
}
