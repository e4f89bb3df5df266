package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/klarna"
)

// The recovery page and the return must read the journey's last outcome whatever its letter case, and
// anything unknown must still say that nothing was charged rather than nothing at all.
func TestRecoveryNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome  string
		kind     string
		contains string
		pending  bool
	}{
		{"", "", "", false},
		{checkout.OutcomePending, "info", "still being processed", true},
		{"PENDING", "info", "still being processed", true},
		{checkout.OutcomeDeclined, "error", "did not approve", false},
		{checkout.OutcomeCancelled, "info", "You cancelled", false},
		{checkout.OutcomeBack, "info", "came back", false},
		{checkout.OutcomeError, "error", "went wrong", false},
		{checkout.OutcomeExpired, "info", "no longer open", false},
		{"something new", "info", "nothing was charged", false},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			text, kind := recoveryNotice(tt.outcome)
			if kind != tt.kind || (tt.contains == "" && text != "") || !strings.Contains(text, tt.contains) {
				t.Errorf("recoveryNotice(%q) = %q, %q; want kind %q containing %q", tt.outcome, text, kind, tt.kind, tt.contains)
			}
			if got := hppPending(tt.outcome); got != tt.pending {
				t.Errorf("hppPending(%q) = %v, want %v", tt.outcome, got, tt.pending)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Klarna 503", fmt.Errorf("klarna: create session: %w", &klarna.Error{Status: 503}), true},
		{"Klarna 400", fmt.Errorf("klarna: create session: %w", &klarna.Error{Status: 400, ErrorCode: klarna.CodeBadValue}), false},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"Payway down", fmt.Errorf("x: %w", checkout.ErrUnavailable), true},
		{"Klarna down", fmt.Errorf("x: %w", checkout.ErrKlarnaUnavailable), true},
		{"not found", checkout.ErrNotFound, false},
		{"bug", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unavailable(tt.err); got != tt.want {
				t.Errorf("unavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
