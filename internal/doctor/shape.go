package doctor

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// kind is what the app needs a JSON value to be.
type kind int

const (
	kString  kind = iota
	kNumber       // a JSON number
	kBool         // true or false
	kArray        // any array
	kObject       // any object
	kStrings      // an array of strings
	// kTimestamp is a Payway timestamp as the payway package's flexTime decodes it: RFC 3339 (with or
	// without fractional seconds), "2006-01-02 15:04:05" or Unix seconds; "" means none.
	kTimestamp
	// kRFC3339 is a Klarna date-time, decoded into a time.Time (RFC 3339 only).
	kRFC3339
	// kJWT is a Klarna client token: Klarna.Payments.init throws InvalidClientTokenError unless it is a JWT.
	kJWT
	// kPaywayCategories are create_session's payment method categories: Klarna's objects or bare
	// identifiers, both of which the payway package decodes (which one Payway sends is not documented).
	kPaywayCategories
	// kKlarnaCategories are Klarna's payment_method_categories: objects with an identifier.
	kKlarnaCategories
)

func (k kind) String() string {
	return [...]string{"string", "number", "boolean", "array", "object", "array of strings", "timestamp",
		"RFC 3339 date-time", "JWT", "array of categories", "array of category objects"}[k]
}

// field is one value the app reads from an answer.
type field struct {
	path     string // dotted, from the answer's root: item.klarna_client_token
	kind     kind
	optional bool // absent or null is fine; when present it must still be of its kind
}

// get walks a dotted path through objects; present is false when a key is missing on the way.
func get(v any, path string) (val any, present bool) {
	for _, key := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// typeName is the JSON type of a decoded value.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// check returns "" when v is of kind k, else why not ("is number, want string").
func (k kind) check(v any) string {
	want := func(ok bool) string {
		if ok {
			return ""
		}
		return "is " + typeName(v) + ", want " + k.String()
	}
	switch k {
	case kString:
		_, ok := v.(string)
		return want(ok)
	case kNumber:
		_, ok := v.(json.Number)
		return want(ok)
	case kBool:
		_, ok := v.(bool)
		return want(ok)
	case kArray:
		_, ok := v.([]any)
		return want(ok)
	case kObject:
		_, ok := v.(map[string]any)
		return want(ok)
	case kStrings:
		arr, ok := v.([]any)
		if !ok {
			return want(false)
		}
		for i, e := range arr {
			if _, ok := e.(string); !ok {
				return fmt.Sprintf("[%d] is %s, want string", i, typeName(e))
			}
		}
		return ""
	case kTimestamp:
		return checkTimestamp(v)
	case kRFC3339:
		s, ok := v.(string)
		if !ok {
			return want(false)
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Sprintf("%q is not an RFC 3339 date-time", s)
		}
		return ""
	case kJWT:
		s, ok := v.(string)
		if !ok {
			return want(false)
		}
		if _, err := jwtAlg(s); err != nil {
			return "is not a JWT (" + err.Error() + "): Klarna.Payments.init would throw InvalidClientTokenError"
		}
		return ""
	case kPaywayCategories, kKlarnaCategories:
		return checkCategories(v, k == kPaywayCategories)
	}
	return "unknown kind"
}

// checkTimestamp accepts what the payway package's flexTime accepts.
func checkTimestamp(v any) string {
	switch t := v.(type) {
	case json.Number:
		if _, err := t.Int64(); err != nil {
			return fmt.Sprintf("%s is not whole Unix seconds", t)
		}
		return ""
	case string:
		if t == "" {
			return ""
		}
		for _, layout := range []string{time.RFC3339Nano, time.DateTime} {
			if _, err := time.Parse(layout, t); err == nil {
				return ""
			}
		}
		return fmt.Sprintf("%q is neither RFC 3339, %q nor Unix seconds", t, time.DateTime)
	}
	return "is " + typeName(v) + ", want timestamp"
}

// checkCategories checks a list of payment method categories; bare identifier strings only when allowed.
func checkCategories(v any, stringsAllowed bool) string {
	arr, ok := v.([]any)
	if !ok {
		return "is " + typeName(v) + ", want array"
	}
	for i, e := range arr {
		switch c := e.(type) {
		case string:
			if !stringsAllowed {
				return fmt.Sprintf("[%d] is a string, want an object with identifier", i)
			}
		case map[string]any:
			if id, _ := c["identifier"].(string); id == "" {
				return fmt.Sprintf("[%d] has no identifier", i)
			}
		default:
			return fmt.Sprintf("[%d] is %s, want object", i, typeName(e))
		}
	}
	return ""
}

// jwtAlg returns the alg of a JWT's header: three base64url parts, the first a JSON object.
func jwtAlg(s string) (string, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("%d parts, want 3", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return "", fmt.Errorf("header is not base64url")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", fmt.Errorf("header is not JSON")
	}
	return h.Alg, nil
}

// describe says in a few words what a value that passed its check is, for an ok line. Values are shown only
// where they are not secrets and help (timestamps, category identifiers, product codes).
func describe(v any, k kind) string {
	switch k {
	case kJWT:
		alg, _ := jwtAlg(v.(string))
		return "a JWT (alg " + alg + ")"
	case kTimestamp, kRFC3339:
		if s, ok := v.(string); ok && s == "" {
			return `"" (no expiry given)`
		}
		return fmt.Sprint(v)
	case kPaywayCategories, kKlarnaCategories:
		return "[" + strings.Join(categoryIDs(v), " ") + "]"
	case kStrings:
		arr := v.([]any)
		ss := make([]string, len(arr))
		for i, e := range arr {
			ss[i] = e.(string)
		}
		return "[" + strings.Join(ss, " ") + "]"
	}
	if v == nil {
		return "null"
	}
	return "a " + typeName(v)
}

// categoryIDs lists the identifiers of a category list (objects or strings), noting the form.
func categoryIDs(v any) []string {
	arr, _ := v.([]any)
	ids := make([]string, 0, len(arr))
	for _, e := range arr {
		switch c := e.(type) {
		case string:
			ids = append(ids, c+" (string)")
		case map[string]any:
			id, _ := c["identifier"].(string)
			ids = append(ids, id)
		}
	}
	return ids
}

// fieldProblem checks one field of root; "" when it is fine.
func fieldProblem(root any, f field) string {
	v, present := get(root, f.path)
	switch {
	case !present && f.optional, present && v == nil && f.optional:
		return ""
	case !present:
		return f.path + " absent" + keysHint(root, f.path)
	case v == nil:
		return f.path + " is null, want " + f.kind.String()
	}
	if why := f.kind.check(v); why != "" {
		return f.path + " " + why
	}
	return ""
}

// keysHint lists the keys the object around a missing field does have, so a FAIL shows Payway's real name
// for a field (names only, never values).
func keysHint(root any, path string) string {
	parent := root
	if i := strings.LastIndex(path, "."); i >= 0 {
		parent, _ = get(root, path[:i])
	}
	obj, ok := parent.(map[string]any)
	if !ok {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return " (has: " + strings.Join(keys, ", ") + ")"
}

// shapeProblems checks fields of root.
func shapeProblems(root any, fields []field) []string {
	var out []string
	for _, f := range fields {
		if p := fieldProblem(root, f); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listProblems checks that root's listPath is an array and that every element has fields (paths relative to
// the element); each distinct problem is reported once, with the first element showing it. n is the
// list's length (-1 when there is no list).
func listProblems(root any, listPath string, fields []field) (problems []string, n int) {
	v, present := get(root, listPath)
	arr, ok := v.([]any)
	if !present || !ok {
		if !present {
			return []string{listPath + " absent" + keysHint(root, listPath)}, -1
		}
		return []string{listPath + " is " + typeName(v) + ", want array"}, -1
	}
	seen := map[string]bool{}
	for i, e := range arr {
		for _, f := range fields {
			p := fieldProblem(e, f)
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			problems = append(problems, fmt.Sprintf("%s[%d].%s", listPath, i, p))
		}
	}
	return problems, len(arr)
}

// fieldNames lists fields' paths, for ok details.
func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.path
	}
	return strings.Join(names, ", ")
}
