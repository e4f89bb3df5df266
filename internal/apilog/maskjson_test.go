package apilog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestMaskJSONIsTheTokenWalk: the byte walk masks exactly as the token by token walk it replaced: the same
// output for valid JSON (secret keys at any depth, escapes, invalid UTF-8, numbers as written, nulls, URLs
// with secret parameters, credentials in text), and an error for anything that is not one JSON value.
func TestMaskJSONIsTheTokenWalk(t *testing.T) {
	t.Parallel()
	for _, in := range maskJSONCorpus {
		want, wantErr := maskJSONTokens([]byte(in))
		got, err := maskJSON([]byte(in))
		if (err != nil) != (wantErr != nil) || got != want {
			t.Errorf("maskJSON(%q) = %q, %v; the token walk gives %q, %v", in, got, err, want, wantErr)
		}
	}
}

// FuzzMaskJSONIsTheTokenWalk runs the same comparison on generated bodies (go test -fuzz).
func FuzzMaskJSONIsTheTokenWalk(f *testing.F) {
	for _, in := range maskJSONCorpus {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		want, wantErr := maskJSONTokens([]byte(in))
		got, err := maskJSON([]byte(in))
		if (err != nil) != (wantErr != nil) || got != want {
			t.Errorf("maskJSON(%q) = %q, %v; the token walk gives %q, %v", in, got, err, want, wantErr)
		}
	})
}

var maskJSONCorpus = []string{
	`{}`, `[]`, `""`, `0`, `-1.5e+10`, `true`, `false`, `null`, ` { } `, "\n[ 1 ,\t2 ]\r\n",
	`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`,
	`{"access_token":"abc","refresh_token":null,"nested":{"client_token":{"x":[1,"}"]},"ok":"fine"}}`,
	`[{"authorization_token":"a\"b"},{"Token_ID":12},{"PASSWORD":["p","q"]},{"password":null}]`,
	`{"k\u0065y":"v","token_i\u0064":"hidden","esc":"a\\b\/c\n\t\u00e5\ud83d\ude00"}`,
	`{"url":"https://x.example/cb?sid=1&secretToken=s3cr3t&b=2","text":"Authorization: Bearer abcdefghijk"}`,
	`{"html":"<a href=\"x\">&amp;</a>","ls":"\u2028\u2029","ctl":"\u0001\u001f"}`,
	"{\"bad\":\"\xff\xfe\",\"\xffkey\":1}",
	`{"n":1e400,"m":-0,"o":0.000001,"p":12345678901234567890}`,
	`{"a":"b"} trailing`, `{"a":}`, `{"a":"b",}`, `[1,2`, `{"a" "b"}`, `nul`, `"unterminated`, `{"a":"b"}{"c":1}`,
	`{"customer_token":{"deep":[{"deeper":"}]"}]},"after":"still here"}`,
	`{"client_secret":"s","klarna_customer_token":"t","klarna_client_token":"u","klarna_authorization_token":"v"}`,
	strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

// maskJSONTokens is maskJSON as it was written first, on encoding/json's token by token API: the
// oracle the byte walk is held to.
func maskJSONTokens(data []byte) (string, error) {
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

// copyMasked (the oracle's) copies the next JSON value from dec to b, masking the values of secret keys at any depth.
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

// BenchmarkMaskJSON masks Payway's documented Order API answer with the byte walk and with the token walk
// it replaced.
func BenchmarkMaskJSON(b *testing.B) {
	body, err := os.ReadFile("../../payway/testdata/order_documented.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, walk := range []struct {
		name string
		mask func([]byte) (string, error)
	}{{"bytes", maskJSON}, {"tokens", maskJSONTokens}} {
		b.Run(walk.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := walk.mask(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestIDsAreTheDecodedOnes: the ids the masking walk collects are those found by decoding the body whole
// (how IDs was written first): the same keys, each with one of the values the body has for it (the walk
// keeps the first).
func TestIDsAreTheDecodedOnes(t *testing.T) {
	t.Parallel()
	for _, in := range append(maskJSONCorpus, idsCorpus...) {
		checkIDs(t, in)
	}
}

// FuzzIDsAreTheDecodedOnes runs the same comparison on generated bodies (go test -fuzz).
func FuzzIDsAreTheDecodedOnes(f *testing.F) {
	for _, in := range append(maskJSONCorpus, idsCorpus...) {
		f.Add(in)
	}
	f.Fuzz(checkIDs)
}

var idsCorpus = []string{
	`{"item":{"order_id":"SANDBOX-1001","redirect_uri":"x"}}`,
	`{"order_id":"first","nested":{"order_id":"second"},"list":[{"session_id":"s"}]}`,
	`{"session_id":{"order_id":"inside"},"event_id":"","step_up_id":7,"correlation_id":"c\u00e5"}`,
	` {"order_id":"spaced"} `, `"order_id"`, `["order_id","x"]`, `{"order\u005fid":"escaped key"}`,
}

func checkIDs(t *testing.T, in string) {
	t.Helper()
	got := IDs([]byte(in))
	all := idsByDecoding([]byte(in))
	if len(got) != len(all) {
		t.Fatalf("IDs(%q) = %v; decoding finds %v", in, got, all)
	}
	for k, v := range got {
		if !slices.Contains(all[k], v) {
			t.Errorf("IDs(%q)[%s] = %q; decoding finds %q", in, k, v, all[k])
		}
	}
}

// idsByDecoding is IDs as written first (the oracle): the body decoded whole, every non-empty string
// value of an IDKeys key at any depth collected.
func idsByDecoding(body []byte) map[string][]string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	out := map[string][]string{}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if s, ok := x.(string); ok && IDKeys[k] {
					if s != "" {
						out[k] = append(out[k], s)
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}
