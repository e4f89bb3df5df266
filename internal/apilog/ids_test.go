package apilog

import (
	"reflect"
	"testing"
)

func TestIDs(t *testing.T) {
	tests := []struct {
		name, body string
		want       map[string]string
	}{
		{"not JSON", `<html>`, nil},
		{"no ids", `{"status":"ok"}`, nil},
		{"Payway item", `{"item":{"order_id":"SANDBOX-1001","redirect_uri":"x"}}`, map[string]string{"order_id": "SANDBOX-1001"}},
		{"Klarna step-up error", `{"error_code":"X","correlation_id":"c1","step_up_id":"s1"}`, map[string]string{"correlation_id": "c1", "step_up_id": "s1"}},
		{"nested in objects and lists", `{"session":{"session_id":"h1"},"list":[{"order_id":"o1"}]}`, map[string]string{"session_id": "h1", "order_id": "o1"}},
		{"empty and non-string values skipped", `{"order_id":"","session_id":42}`, nil},
		{"tokens are not ids", `{"authorization_token":"secret","client_token":"secret"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IDs([]byte(tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("IDs(%s) = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
}
