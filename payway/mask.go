package payway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
)

// masked replaces every secret value in observed bodies.
const masked = "***"

// isSecretKey reports whether a JSON key or form field carries a credential or a token that would let
// someone act as the customer or the merchant. Matching is case-insensitive.
func isSecretKey(key string) bool {
	switch strings.ToLower(key) {
	case "access_token", "refresh_token", "client_secret", "password",
		"klarna_authorization_token", "klarna_client_token", "client_token",
		"authorization_token", "customer_token", "token_id":
		return true
	}
	return false
}

// secretJSONString finds "secret_key": "value" pairs in text that is not valid JSON (truncated or
// broken bodies), the last line of defence before such text reaches the observer.
var secretJSONString = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|client_secret|password|klarna_authorization_token|klarna_client_token|client_token|authorization_token|customer_token|token_id)"\s*:\s*)"(?:[^"\\]|\\.)*"?`)

// maskBody returns body with the values of secret keys replaced by "***", for bodies that are
// reported to an Observer (and so end up in logs, events and the demo console).
//
// A JSON body is rewritten token by token, keeping key order; a form body (a=b&c=d) is rewritten
// field by field, and any text also gets the pattern-based fallback for JSON fragments inside it. Masking happens before any
// truncation, so a cut body can never expose half a secret that a whole body would have hidden.
func maskBody(body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ""
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if out, err := maskJSON(trimmed); err == nil {
			return out
		}
		return secretJSONString.ReplaceAllString(string(body), `${1}"`+masked+`"`)
	}
	return secretJSONString.ReplaceAllString(maskForm(string(body)), `${1}"`+masked+`"`)
}

// maskJSON re-encodes one JSON value compactly with secret values replaced.
func maskJSON(data []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var b strings.Builder
	if err := copyMasked(dec, &b); err != nil {
		return "", err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", errors.New("trailing data after JSON value")
	}
	return b.String(), nil
}

// copyMasked copies the next JSON value from dec to b, masking the values of secret keys at any depth.
func copyMasked(dec *json.Decoder, b *strings.Builder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			b.WriteByte('{')
			for i := 0; dec.More(); i++ {
				keyTok, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := keyTok.(string)
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSONString(b, key)
				b.WriteByte(':')
				if isSecretKey(key) {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return err
					}
					if string(raw) == "null" {
						b.WriteString("null")
					} else {
						writeJSONString(b, masked)
					}
					continue
				}
				if err := copyMasked(dec, b); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // '}'
				return err
			}
			b.WriteByte('}')
		case '[':
			b.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := copyMasked(dec, b); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ']'
				return err
			}
			b.WriteByte(']')
		default:
			return errors.New("unexpected delimiter")
		}
	case string:
		writeJSONString(b, t)
	case json.Number:
		b.WriteString(t.String())
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	}
	return nil
}

func writeJSONString(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s) // marshalling a string cannot fail
	b.Write(enc)
}

// maskForm masks an application/x-www-form-urlencoded body (or a query string), field by field,
// keeping everything else byte for byte.
func maskForm(body string) string {
	parts := strings.Split(body, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if isSecretKey(strings.TrimSpace(key)) {
			parts[i] = k + "=" + masked
		}
	}
	return strings.Join(parts, "&")
}
