package apilog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Masked replaces every secret value.
const Masked = "***"

// IsSecretKey reports whether a JSON key or form field carries a credential or a token that would let
// someone act as the customer or the merchant: Payway's OAuth fields, Klarna's client token,
// authorization token and customer token (token_id). Matching is case-insensitive.
func IsSecretKey(key string) bool {
	switch strings.ToLower(key) {
	case "access_token", "refresh_token", "client_secret", "password",
		"klarna_authorization_token", "klarna_client_token", "client_token",
		"authorization_token", "customer_token", "token_id", "klarna_customer_token":
		return true
	}
	return false
}

// isSecretQueryKey is the wider rule for query parameters of URLs: besides the secret keys, any
// parameter whose name mentions a secret, a token or a password (merchants put per-session secrets in
// callback URLs, e.g. ?secretToken=..., as Klarna recommends).
func isSecretQueryKey(key string) bool {
	k := strings.ToLower(key)
	return IsSecretKey(k) || strings.Contains(k, "secret") || strings.Contains(k, "token") || strings.Contains(k, "password")
}

// secretKeyPattern is IsSecretKey's list as a regular expression alternative.
const secretKeyPattern = `access_token|refresh_token|client_secret|password|klarna_authorization_token|klarna_client_token|client_token|authorization_token|customer_token|token_id|klarna_customer_token`

// secretJSONString finds "secret_key": "value" pairs in text that is not valid JSON (truncated or
// broken bodies), the last line of defence before such text reaches an observer.
var secretJSONString = regexp.MustCompile(`(?i)("(?:` + secretKeyPattern + `)"\s*:\s*)"(?:[^"\\]|\\.)*"?`)

// credentialsInText finds HTTP credentials (an Authorization header value) quoted in text.
var credentialsInText = regexp.MustCompile(`(?i)\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}`)

// MaskHeader returns a header value fit for reporting: credentials (Authorization, Proxy-Authorization,
// Cookie, Set-Cookie) are replaced entirely.
func MaskHeader(name, value string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return Masked
	}
	return maskText(value)
}

// maskText masks credentials quoted in free text. Text without "basic" or "bearer" in any case (nearly
// every string value of a body) is returned without running the expression.
func maskText(s string) string {
	if !containsFold(s, "basic") && !containsFold(s, "bearer") {
		return s
	}
	return credentialsInText.ReplaceAllString(s, "${1} "+Masked)
}

// containsFold reports whether s contains the lower-case ASCII word in any case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == word[0] && strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

// MaskBody returns body with the values of secret keys replaced by "***", for bodies that are reported
// to an Observer.
//
// A JSON body is rewritten token by token, keeping key order; string values that are URLs get their
// secret query parameters masked. A form body (a=b&c=d) is rewritten field by field, and any text also
// gets the pattern-based fallback for JSON fragments and credentials inside it. Masking happens before
// any truncation, so a cut body can never expose half a secret that a whole body would have hidden.
func MaskBody(body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ""
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if out, err := maskJSON(trimmed); err == nil {
			return out
		}
		return maskText(secretJSONString.ReplaceAllString(string(body), `${1}"`+Masked+`"`))
	}
	return maskText(secretJSONString.ReplaceAllString(MaskForm(string(body)), `${1}"`+Masked+`"`))
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
				if IsSecretKey(key) {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return err
					}
					if string(raw) == "null" {
						b.WriteString("null")
					} else {
						writeJSONString(b, Masked)
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
		writeJSONString(b, maskString(t))
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

// maskString masks a JSON string value: secret query parameters of a URL, credentials in text.
func maskString(s string) string {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		s = MaskURL(s)
	}
	return maskText(s)
}

// writeJSONString writes s as a JSON string the way encoding/json does with HTML escaping off, so URLs stay
// readable (& not \u0026): quotes, backslashes and control characters escaped, invalid UTF-8 as U+FFFD,
// U+2028 and U+2029 escaped. Written out because a json.Encoder per string value was most of the cost of
// masking a body (TestWriteJSONStringIsEncodingJSONs holds it to encoding/json).
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// MaskForm masks an application/x-www-form-urlencoded body, field by field, keeping everything else
// byte for byte.
func MaskForm(body string) string {
	return maskPairs(body, IsSecretKey)
}

// maskPairs masks the values of the a=b pairs of s whose (unescaped) key is secret.
func maskPairs(s string, secret func(string) bool) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if secret(strings.TrimSpace(key)) {
			parts[i] = k + "=" + Masked
		}
	}
	return strings.Join(parts, "&")
}

// MaskURL masks the secret query parameters (and any fragment parameters) of an absolute URL.
func MaskURL(u string) string {
	u, frag, hasFrag := strings.Cut(u, "#")
	if p, q, ok := strings.Cut(u, "?"); ok {
		u = p + "?" + maskPairs(q, isSecretQueryKey)
	}
	if hasFrag {
		u += "#" + maskPairs(frag, isSecretQueryKey)
	}
	return u
}

// tokenSegments are the path segments after which Klarna's paths carry a secret: the authorization
// token (/payments/v1/authorizations/{token}/...) and the customer token (/customer-token/v1/tokens/{token}).
func tokenSegments() []string { return []string{"authorizations", "tokens"} }

// MaskPath masks a request path for reporting: secret query parameters, and the tokens Klarna puts in
// its paths.
func MaskPath(path string) string {
	p, q, hasQuery := strings.Cut(path, "?")
	segs := strings.Split(p, "/")
	for i := 0; i+1 < len(segs); i++ {
		for _, name := range tokenSegments() {
			if segs[i] == name && segs[i+1] != "" {
				segs[i+1] = Masked
			}
		}
	}
	p = strings.Join(segs, "/")
	if !hasQuery {
		return p
	}
	return p + "?" + maskPairs(q, isSecretQueryKey)
}
