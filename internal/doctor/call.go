package doctor

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/paywall/paywall/internal/apilog"
)

// answer is one raw HTTP answer. The doctor reads Payway's and Klarna's answers as JSON trees rather than
// through the clients' Go structs: the question is what the real service sends, field by field, and a struct
// would silently drop a field with another name (and the clients' structs change as the shapes are fixed).
type answer struct {
	status int
	header http.Header
	body   []byte
	json   any // the decoded body (numbers as json.Number); nil when it is not JSON
}

// is2xx reports a success status.
func (a answer) is2xx() bool { return a.status >= 200 && a.status <= 299 }

// rawCall sends one request through apilog.Do (the transport the app's clients use, with its body limit)
// and returns the answer whatever its status. The error is for no answer at all.
func rawCall(ctx context.Context, hc *http.Client, base, method, path string, header http.Header, body []byte) (answer, error) {
	var a answer
	err := apilog.Do(ctx, hc, nil, apilog.Request{
		Service: "doctor", Call: "doctor." + method, Method: method, Base: strings.TrimRight(base, "/"), Path: path,
		Body: body, Header: header,
	}, func(r apilog.Response) error {
		a.status, a.header, a.body = r.Status, r.Header, r.Body
		return nil
	})
	if err != nil {
		return answer{}, err
	}
	a.json = decodeTree(a.body)
	return a, nil
}

// paywayGet is a GET on Payway's API with a bearer token.
func (d *doctor) paywayGet(ctx context.Context, token, path string) (answer, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Authorization", "Bearer "+token)
	return rawCall(ctx, d.paywayHTTP, d.cfg.PaywayURL, http.MethodGet, path, h, nil)
}

// paywayPost is a JSON POST on Payway's API with a bearer token.
func (d *doctor) paywayPost(ctx context.Context, token, path string, body any) (answer, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return answer{}, fmt.Errorf("encode request: %w", err)
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Bearer "+token)
	return rawCall(ctx, d.paywayHTTP, d.cfg.PaywayURL, http.MethodPost, path, h, b)
}

// klarnaCall is a call on Klarna's API with the merchant's HTTP Basic credentials, as the klarna client sends it.
func (d *doctor) klarnaCall(ctx context.Context, method, path string, body any) (answer, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "paywall-doctor")
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(d.cfg.KlarnaUser+":"+d.cfg.KlarnaPassword)))
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return answer{}, fmt.Errorf("encode request: %w", err)
		}
		h.Set("Content-Type", "application/json")
	}
	return rawCall(ctx, d.klarnaHTTP, d.cfg.KlarnaURL, method, path, h, b)
}

// decodeTree decodes a JSON body, keeping numbers as json.Number so an integer is not mistaken for a
// float; nil when the body is not (one) JSON value.
func decodeTree(body []byte) any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil
	}
	return v
}

// refusal describes a non-2xx answer in one line: the status and whichever of Payway's ({code,message},
// {error,error_description}) or Klarna's ({error_code,error_messages,correlation_id}) fields it has, or a
// masked excerpt of anything else (a proxy's HTML page).
func refusal(a answer) string {
	s := fmt.Sprintf("status %d", a.status)
	obj, _ := a.json.(map[string]any)
	code := firstString(obj, "code", "error_code", "error")
	msg := firstString(obj, "message", "error_description")
	if msg == "" {
		if msgs, ok := obj["error_messages"].([]any); ok && len(msgs) > 0 {
			msg, _ = msgs[0].(string)
		}
	}
	switch {
	case code != "" && msg != "":
		s += " " + code + ": " + msg
	case code != "":
		s += " " + code
	case msg != "":
		s += ": " + msg
	case len(bytes.TrimSpace(a.body)) > 0:
		s += ": " + oneLine(apilog.Excerpt([]byte(apilog.MaskBody(a.body))), 120)
	}
	if id := firstString(obj, "correlation_id"); id != "" {
		s += " (correlation_id " + id + ")"
	}
	return s
}

// firstString is the first of keys whose value in obj is a non-empty string.
func firstString(obj map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := obj[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// oneLine squeezes text onto one line of at most n runes, so a detail never breaks the list's layout.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
