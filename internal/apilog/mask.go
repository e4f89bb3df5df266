package apilog

import (
	"bytes"
	"encoding/json"
	"errors"
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
	masked, _ := MaskBodyIDs(body)
	return masked
}

// MaskBodyIDs is MaskBody and IDs in one reading of the body: an exchange's record wants both.
func MaskBodyIDs(body []byte) (masked string, ids map[string]string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", nil
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if out, ids, err := maskJSONIDs(trimmed); err == nil {
			return out, ids
		}
		return maskText(secretJSONString.ReplaceAllString(string(body), `${1}"`+Masked+`"`)), nil
	}
	return maskText(secretJSONString.ReplaceAllString(MaskForm(string(body)), `${1}"`+Masked+`"`)), nil
}

// maskJSON re-encodes one JSON value compactly with secret values replaced (an error when data is not one
// valid JSON value). It walks the bytes itself once encoding/json has validated them: its Decoder's
// token by token API, used before, allocated per token and was most of the cost of recording an exchange
// (TestMaskJSONIsTheTokenWalk holds the two to the same output).
func maskJSON(data []byte) (string, error) {
	out, _, err := maskJSONIDs(data)
	return out, err
}

// maskJSONIDs is maskJSON, also collecting the IDKeys it passes (the first value of a key found more than
// once; nil when there are none), so an exchange's body is read once for both.
func maskJSONIDs(data []byte) (string, map[string]string, error) {
	if !json.Valid(data) {
		return "", nil, errors.New("not one valid JSON value")
	}
	m := jsonMasker{data: data}
	m.b.Grow(len(data))
	if err := m.value(); err != nil {
		return "", nil, err
	}
	return m.b.String(), m.ids, nil
}

// jsonMasker copies valid JSON compactly to b, masking the values of secret keys at any depth, and
// collects the non-empty string values of IDKeys in ids.
type jsonMasker struct {
	data []byte
	i    int
	b    strings.Builder
	ids  map[string]string
}

func (m *jsonMasker) space() {
	for m.i < len(m.data) {
		switch m.data[m.i] {
		case ' ', '\t', '\n', '\r':
			m.i++
		default:
			return
		}
	}
}

// value copies the value at m.i.
func (m *jsonMasker) value() error {
	m.space()
	switch m.data[m.i] {
	case '{':
		return m.members('}', m.member)
	case '[':
		return m.members(']', m.value)
	case '"':
		s, err := m.str()
		if err != nil {
			return err
		}
		writeJSONString(&m.b, maskString(s))
		return nil
	default: // a number, true, false or null: as written
		m.b.Write(m.scalar())
		return nil
	}
}

// members copies the object or array opening at m.i, each member by each, with the commas between.
func (m *jsonMasker) members(end byte, each func() error) error {
	m.b.WriteByte(m.data[m.i])
	m.i++
	m.space()
	for n := 0; m.data[m.i] != end; n++ {
		if n > 0 {
			m.i++ // ','
			m.b.WriteByte(',')
			m.space()
		}
		if err := each(); err != nil {
			return err
		}
		m.space()
	}
	m.i++
	m.b.WriteByte(end)
	return nil
}

// member copies one "key": value of an object, the value masked when the key is secret.
func (m *jsonMasker) member() error {
	key, err := m.str()
	if err != nil {
		return err
	}
	writeJSONString(&m.b, key)
	m.b.WriteByte(':')
	m.space()
	m.i++ // ':'
	m.space()
	switch start := m.i; {
	case IDKeys[key] && m.data[m.i] == '"': // never a secret key
		s, err := m.str()
		if err != nil {
			return err
		}
		if _, seen := m.ids[key]; !seen && s != "" {
			if m.ids == nil {
				m.ids = map[string]string{}
			}
			m.ids[key] = s
		}
		writeJSONString(&m.b, maskString(s))
	case !IsSecretKey(key):
		return m.value()
	case m.skip() && string(m.data[start:m.i]) == "null":
		m.b.WriteString("null")
	default:
		writeJSONString(&m.b, Masked)
	}
	return nil
}

// str reads the string at m.i, unescaped as encoding/json does (invalid UTF-8 becomes U+FFFD).
func (m *jsonMasker) str() (string, error) {
	start := m.i
	m.i++
	plain := true
	for m.data[m.i] != '"' {
		if m.data[m.i] == '\\' {
			plain = false
			m.i++
		}
		m.i++
	}
	m.i++
	raw := m.data[start:m.i]
	if plain && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

// scalar reads the number or literal at m.i.
func (m *jsonMasker) scalar() []byte {
	start := m.i
	for m.i < len(m.data) {
		switch m.data[m.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return m.data[start:m.i]
		}
		m.i++
	}
	return m.data[start:m.i]
}

// skip moves past the value at m.i; it reports true so it can be used in a condition.
func (m *jsonMasker) skip() bool {
	switch m.data[m.i] {
	case '{', '[':
		depth := 0
		for {
			switch m.data[m.i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			case '"':
				_, _ = m.str()
				m.i--
			}
			m.i++
			if depth == 0 {
				return true
			}
		}
	case '"':
		_, _ = m.str()
	default:
		m.scalar()
	}
	return true
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
