package sandbox

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDecodeJSON covers Payway's unknown_parameter rule for JSON bodies, which the Klarna purchase
// routes (issue 3) will rely on.
func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type embedded struct {
		Code string `json:"code"`
	}
	type body struct {
		embedded
		ConfirmationURL string `json:"confirmation_url"`
		StartDate       string `json:"start_date,omitempty"`
		Ignored         string `json:"-"`
	}
	tests := []struct {
		name, contentType, body string
		wantCode, wantMessage   string
	}{
		{name: "known fields", contentType: "application/json", body: `{"code":"digital","confirmation_url":"https://x"}`},
		{name: "empty body", contentType: "application/json", body: ``},
		{name: "charset allowed", contentType: "application/json; charset=utf-8", body: `{"code":"d"}`},
		{name: "unknown fields", contentType: "application/json", body: `{"code":"d","b":1,"a":null,"Ignored":"x"}`,
			wantCode: "unknown_parameter", wantMessage: "Unknown parameters: Ignored,a,b"},
		{name: "not an object", contentType: "application/json", body: `["code"]`, wantCode: "invalid_request"},
		{name: "wrong type", contentType: "application/json", body: `{"code":1}`, wantCode: "invalid_request"},
		{name: "form body", contentType: "application/x-www-form-urlencoded", body: `code=d`, wantCode: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.contentType)
			var dst body
			err := decodeJSON(httptest.NewRecorder(), r, &dst)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("decodeJSON: %v", err)
				}
				return
			}
			pe, ok := err.(*paywayError)
			if !ok || pe.Code != tt.wantCode || pe.status != http.StatusBadRequest {
				t.Fatalf("error = %v, want 400 %s", err, tt.wantCode)
			}
			if tt.wantMessage != "" && pe.Message != tt.wantMessage {
				t.Errorf("message = %q, want %q", pe.Message, tt.wantMessage)
			}
		})
	}
}

// TestSchemaIsStrict guards the convention that every sandbox table is STRICT.
func TestSchemaIsStrict(t *testing.T) {
	t.Parallel()
	st, err := openStore(t.Context(), t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if _, err := st.r.ExecContext(t.Context(), `DELETE FROM accounts`); err == nil {
		t.Error("the reader pool accepted a write")
	}
	rows, err := st.r.QueryContext(t.Context(),
		`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		if !strings.HasSuffix(strings.TrimSpace(sql), "STRICT") {
			t.Errorf("table %s is not STRICT", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "accounts") || !strings.Contains(got, "account_products") || !strings.Contains(got, "tokens") {
		t.Errorf("tables = %s", got)
	}
}

// TestPanicBecomesJSON checks the recovery middleware answers in Payway's error shape.
func TestPanicBecomesJSON(t *testing.T) {
	t.Parallel()
	s := &Server{log: slog.New(slog.DiscardHandler)}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal_server_error"`) {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}
