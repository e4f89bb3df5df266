package doctor

import (
	"encoding/base64"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestResultLine(t *testing.T) {
	t.Parallel()
	long := "payway.create_session:item.klarna_payments_session_id_and_more"
	tests := []struct {
		name string
		r    Result
		want string
	}{
		{"ok padded", Result{OK, "payway.me", "item.id"}, "ok    payway.me" + strings.Repeat(" ", checkWidth-len("payway.me")) + "  item.id"},
		{"FAIL in capitals", Result{Fail, "klarna.sdk", "status 404"}, "FAIL  klarna.sdk" + strings.Repeat(" ", checkWidth-len("klarna.sdk")) + "  status 404"},
		{"long check pushes the detail", Result{Skip, long, "why"}, "skip  " + long + "  why"},
		{"no detail, no trailing spaces", Result{OK, "x", ""}, "ok    x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.r.String(); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		results []Result
		want    Summary
		line    string
		err     string
	}{
		{"none", nil, Summary{}, "summary: 0 ok, 0 FAIL, 0 skip: every check passed", ""},
		{"ok and skip pass", []Result{{Status: OK}, {Status: Skip}, {Status: OK}}, Summary{OK: 2, Skip: 1},
			"summary: 2 ok, 0 FAIL, 1 skip: every check passed", ""},
		{"one FAIL", []Result{{Status: OK}, {Status: Fail}}, Summary{OK: 1, Fail: 1},
			"summary: 1 ok, 1 FAIL, 0 skip: fix every FAIL above before going live", "doctor: 1 check failed"},
		{"two FAILs", []Result{{Status: Fail}, {Status: Fail}, {Status: Skip}}, Summary{Fail: 2, Skip: 1},
			"summary: 0 ok, 2 FAIL, 1 skip: fix every FAIL above before going live", "doctor: 2 checks failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Summarize(tt.results)
			if s != tt.want {
				t.Errorf("Summarize = %+v, want %+v", s, tt.want)
			}
			if s.String() != tt.line {
				t.Errorf("String = %q, want %q", s.String(), tt.line)
			}
			if err := s.Err(); (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Errorf("Err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestSourceMatches(t *testing.T) {
	t.Parallel()
	self, _ := url.Parse("https://news.example")
	tests := []struct {
		src, target string
		want        bool
	}{
		{"https://x.klarnacdn.net", "https://x.klarnacdn.net/kp/lib/v1/api.js", true},
		{"https://*.klarnacdn.net", "https://x.klarnacdn.net/kp/lib/v1/api.js", true},
		{"https://*.klarnacdn.net", "https://klarnacdn.net/api.js", false}, // *. needs a subdomain
		{"https://*.klarna.com", "https://x.klarnacdn.net/api.js", false},
		{"https://x.klarnacdn.net", "http://x.klarnacdn.net/api.js", false},
		{"http://x.klarnacdn.net", "https://x.klarnacdn.net/api.js", true}, // upgraded scheme
		{"x.klarnacdn.net", "https://x.klarnacdn.net/api.js", true},        // the page's scheme
		{"http://127.0.0.1:8081", "http://127.0.0.1:8081/kp/lib/v1/api.js", true},
		{"http://127.0.0.1:8081", "http://127.0.0.1:9090/kp/lib/v1/api.js", false},
		{"http://127.0.0.1", "http://127.0.0.1:8081/kp/lib/v1/api.js", false}, // no port: the default only
		{"https://x.klarnacdn.net:*", "https://x.klarnacdn.net:8443/api.js", true},
		{"https://x.klarnacdn.net/kp/", "https://x.klarnacdn.net/kp/lib/v1/api.js", true},
		{"https://x.klarnacdn.net/other/", "https://x.klarnacdn.net/kp/lib/v1/api.js", false},
		{"'self'", "https://news.example/static/app.js", true},
		{"'self'", "https://x.klarnacdn.net/api.js", false},
		{"'unsafe-inline'", "https://x.klarnacdn.net/api.js", false},
		{"https:", "https://x.klarnacdn.net/api.js", true},
		{"*", "https://x.klarnacdn.net/api.js", true},
	}
	for _, tt := range tests {
		target, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := sourceMatches(tt.src, self, target); got != tt.want {
			t.Errorf("sourceMatches(%q, %q) = %v, want %v", tt.src, tt.target, got, tt.want)
		}
	}
}

func TestPolicyAllows(t *testing.T) {
	t.Parallel()
	self, _ := url.Parse("https://news.example")
	sdk, _ := url.Parse("https://x.klarnacdn.net/kp/lib/v1/api.js")
	tests := []struct {
		policy, directive string
		want              bool
	}{
		{"default-src 'self'; script-src 'self' https://x.klarnacdn.net", "script-src", true},
		{"default-src 'self'; script-src 'self'", "script-src", false},
		{"default-src 'self' https://*.klarnacdn.net", "frame-src", true}, // falls back to default-src
		{"default-src 'self'", "frame-src", false},
	}
	for _, tt := range tests {
		if got := parsePolicy(tt.policy).allows(tt.directive, self, sdk); got != tt.want {
			t.Errorf("%q allows %s = %v, want %v", tt.policy, tt.directive, got, tt.want)
		}
	}
}

func TestSourceProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		live bool
		want string // "" for none, else a substring
	}{
		{"https://*.klarna.com", true, ""},
		{"https://x.klarnacdn.net:443", true, ""},
		{"http://*.klarna.com", false, ""},
		{"http://*.klarna.com", true, "is not https://"},
		{"*.klarna.com", true, "is not https://"},
		{"'unsafe-inline'", false, "keyword"},
		{"*", false, "every origin"},
		{"https:", false, "every origin of that scheme"},
		{"https://*", false, "every host"},
		{"https://klarna.com;script-src", false, "not a CSP host-source"},
	}
	for _, tt := range tests {
		got := sourceProblem(tt.src, tt.live)
		if (tt.want == "" && got != "") || (tt.want != "" && !strings.Contains(got, tt.want)) {
			t.Errorf("sourceProblem(%q, live %v) = %q, want %q", tt.src, tt.live, got, tt.want)
		}
	}
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		payway, klarna string
		wantPW, wantKL string
	}{
		{"https://payway-api.stage.adeprimo.se", "https://api.playground.klarna.com", "stage", "playground"},
		{"https://backend.worldoftulo.com", "https://api.klarna.com", "production", "production"},
		{"https://backend.worldoftulo.com", "https://api-na.playground.klarna.com", "production", "playground"},
		{"https://payway.example", "https://klarna.example", "", ""},
	}
	for _, tt := range tests {
		if pw, kl := paywayEnv(tt.payway), klarnaEnv(tt.klarna); pw != tt.wantPW || kl != tt.wantKL {
			t.Errorf("%s, %s = %q, %q; want %q, %q", tt.payway, tt.klarna, pw, kl, tt.wantPW, tt.wantKL)
		}
	}
}

// jwt is a token of JWT shape with the given header.
func jwt(header string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(header)) + ".e30.c2ln"
}

func TestFieldProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		f    field
		want string // "" for no problem, else a substring
	}{
		{"string", `{"item":{"id":"a"}}`, field{path: "item.id", kind: kString}, ""},
		{"wrong type", `{"item":{"id":7}}`, field{path: "item.id", kind: kString}, "item.id is number, want string"},
		{"absent names the keys there are", `{"item":{"session_id":"a","token":"b"}}`, field{path: "item.klarna_payments_session_id", kind: kString},
			"item.klarna_payments_session_id absent (has: session_id, token)"},
		{"absent optional", `{"item":{}}`, field{path: "item.gender", kind: kString, optional: true}, ""},
		{"null optional", `{"item":{"gender":null}}`, field{path: "item.gender", kind: kString, optional: true}, ""},
		{"null required", `{"item":{"id":null}}`, field{path: "item.id", kind: kString}, "is null"},
		{"present optional of the wrong type", `{"item":{"verified":"yes"}}`, field{path: "item.verified", kind: kBool, optional: true}, "is string, want boolean"},
		{"number", `{"expires_in":3600}`, field{path: "expires_in", kind: kNumber}, ""},
		{"strings", `{"p":["a","b"]}`, field{path: "p", kind: kStrings}, ""},
		{"strings with a number", `{"p":["a",1]}`, field{path: "p", kind: kStrings}, "[1] is number"},
		{"JWT", `{"t":"` + jwt(`{"alg":"ES256"}`) + `"}`, field{path: "t", kind: kJWT}, ""},
		{"not a JWT", `{"t":"abc.def"}`, field{path: "t", kind: kJWT}, "InvalidClientTokenError"},
		{"JWT header not JSON", `{"t":"` + jwt(`nope`) + `"}`, field{path: "t", kind: kJWT}, "header is not JSON"},
		{"RFC 3339 timestamp", `{"t":"2025-01-02T03:04:05.123Z"}`, field{path: "t", kind: kTimestamp}, ""},
		{"DateTime timestamp", `{"t":"2025-01-02 03:04:05"}`, field{path: "t", kind: kTimestamp}, ""},
		{"Unix timestamp", `{"t":1735787045}`, field{path: "t", kind: kTimestamp}, ""},
		{"empty timestamp", `{"t":""}`, field{path: "t", kind: kTimestamp}, ""},
		{"bad timestamp", `{"t":"tomorrow"}`, field{path: "t", kind: kTimestamp}, "neither RFC 3339"},
		{"Klarna date-time", `{"t":"2025-01-02T03:04:05Z"}`, field{path: "t", kind: kRFC3339}, ""},
		{"Klarna date-time in another format", `{"t":"2025-01-02 03:04:05"}`, field{path: "t", kind: kRFC3339}, "not an RFC 3339"},
		{"Payway categories as objects", `{"c":[{"identifier":"klarna"}]}`, field{path: "c", kind: kPaywayCategories}, ""},
		{"Payway categories as strings", `{"c":["direct_debit"]}`, field{path: "c", kind: kPaywayCategories}, ""},
		{"category without identifier", `{"c":[{"name":"x"}]}`, field{path: "c", kind: kPaywayCategories}, "[0] has no identifier"},
		{"Klarna categories as strings", `{"c":["klarna"]}`, field{path: "c", kind: kKlarnaCategories}, "[0] is a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := decodeTree([]byte(tt.body))
			if root == nil {
				t.Fatalf("bad test body %s", tt.body)
			}
			got := fieldProblem(root, tt.f)
			if (tt.want == "" && got != "") || (tt.want != "" && !strings.Contains(got, tt.want)) {
				t.Errorf("fieldProblem = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListProblems(t *testing.T) {
	t.Parallel()
	fields := []field{{path: "id", kind: kString}, {path: "enabled", kind: kBool}}
	tests := []struct {
		body  string
		want  []string
		wantN int
	}{
		{`{"items":[{"id":"a","enabled":true},{"id":"b","enabled":false}]}`, nil, 2},
		{`{"items":[]}`, nil, 0},
		{`{"items":[{"id":"a","enabled":"yes"},{"id":"b","enabled":"no"}]}`, []string{"items[0].enabled is string, want boolean"}, 2},
		{`{"item":{"klarna_customer_token":"x"}}`, []string{"items absent (has: item)"}, -1},
		{`{"items":{}}`, []string{"items is object, want array"}, -1},
	}
	for _, tt := range tests {
		got, n := listProblems(decodeTree([]byte(tt.body)), "items", fields)
		if !reflect.DeepEqual(got, tt.want) || n != tt.wantN {
			t.Errorf("%s: got %q, %d; want %q, %d", tt.body, got, n, tt.want, tt.wantN)
		}
	}
}

func TestRefusal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"Payway", 404, `{"code":"not_found","message":"No such account"}`, "status 404 not_found: No such account"},
		{"OAuth", 401, `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			"status 401 invalid_client: Client authentication failed"},
		{"Klarna", 400, `{"error_code":"BAD_VALUE","error_messages":["Bad value: order_lines"],"correlation_id":"c-1"}`,
			"status 400 BAD_VALUE: Bad value: order_lines (correlation_id c-1)"},
		{"a proxy's page", 502, "<html>\n<body>Bad gateway</body>\n</html>", "status 502: <html> <body>Bad gateway</body> </html>"},
		{"a secret in a body is masked", 500, `{"access_token": "s3cr3t"`, `status 500: {"access_token": "***"`},
		{"empty", 503, "", "status 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := answer{status: tt.status, header: http.Header{}, body: []byte(tt.body), json: decodeTree([]byte(tt.body))}
			if got := refusal(a); got != tt.want {
				t.Errorf("refusal = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAssumptionsCoverAssumedGo keeps the doctor's list of assumptions and payway/assumed.go, the one place
// the assumed response fields and error codes are written down, in step: every field assumed.go marks
// "assumed" (or "confirmed") must be checked, or be listed as checked in another form, and every Code
// constant must be in errorCodes.
func TestAssumptionsCoverAssumedGo(t *testing.T) {
	t.Parallel()
	checked := map[string][]field{ // Go type in assumed.go -> the doctor's fields for its answer
		"sessionItem": createSessionAssumptions(),
		"placedItem":  placeOrderAssumptions(),
	}
	// Types whose answer the doctor checks in Payway's documented shape instead of field by field.
	documented := map[string]string{
		"profileItem": "payway.payment_profile checks the documented {\"items\":[...]} shape",
	}
	codes := map[string]bool{}
	for _, c := range errorCodes() {
		codes[c.code] = true
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "../../payway/assumed.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	ast.Inspect(file, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok { // the assumed error codes: const CodeX = "x"
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				code, _ := strconv.Unquote(lit.Value)
				if !codes[code] {
					t.Errorf("assumed.go: %s = %q is not in internal/doctor's errorCodes: add it, with its check or as purchase-only", name.Name, code)
				}
			}
			return false
		}
		spec, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := spec.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, f := range st.Fields.List {
			if f.Comment == nil || f.Tag == nil {
				continue
			}
			note := f.Comment.Text()
			if !strings.Contains(note, "assumed") && !strings.Contains(note, "confirmed") {
				continue
			}
			tag, _ := strconv.Unquote(f.Tag.Value)
			name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			seen++
			if _, ok := documented[spec.Name.Name]; ok {
				continue
			}
			fields, ok := checked[spec.Name.Name]
			if !ok {
				t.Errorf("assumed.go: %s.%s (%s) is assumed, but the doctor checks nothing of %s: add its answer to internal/doctor/assumptions.go",
					spec.Name.Name, name, strings.TrimSpace(note), spec.Name.Name)
				continue
			}
			found := false
			for _, df := range fields {
				found = found || df.path == "item."+name
			}
			if !found {
				t.Errorf("assumed.go: %s field %q is not among the doctor's checks of that answer", spec.Name.Name, name)
			}
		}
		return false
	})
	if seen == 0 {
		t.Fatal("found no field marked assumed in payway/assumed.go: has the file moved?")
	}
}
