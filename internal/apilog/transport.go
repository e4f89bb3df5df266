package apilog

import (
	"net"
	"net/http"
	"time"
)

// NewTransport is the one HTTP transport the Payway and Klarna clients share. Go's default keeps two idle
// connections per host, so under article load most upstream calls opened a new connection (against
// Payway and Klarna: a new TLS handshake each). This one keeps enough idle connections per host for the
// app's concurrency, speaks HTTP/2 over TLS where the server offers it, and bounds dialling and the TLS
// handshake so a dead upstream fails fast instead of holding a request until the client's timeout.
func NewTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
