package handlers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/klarna"
)

// The recovery page and the return must read the journey's last outcome whatever its letter case, and
// anything unknown must still say that nothing was charged (RecoveryNoticeOther) rather than nothing at all.
func TestRecoveryNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome string
		kind    string
		id      string
		pending bool
	}{
		{"", "", "", false},
		{checkout.OutcomePending, "info", "RecoveryNoticePending", true},
		{"PENDING", "info", "RecoveryNoticePending", true},
		{checkout.OutcomeDeclined, "error", "RecoveryNoticeDeclined", false},
		{checkout.OutcomeCancelled, "info", "RecoveryNoticeCancelled", false},
		{checkout.OutcomeBack, "info", "RecoveryNoticeBack", false},
		{checkout.OutcomeError, "error", "RecoveryNoticeError", false},
		{checkout.OutcomeExpired, "info", "RecoveryNoticeExpired", false},
		{"something new", "info", "RecoveryNoticeOther", false},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			id, kind := recoveryNotice(tt.outcome)
			if kind != tt.kind || id != tt.id {
				t.Errorf("recoveryNotice(%q) = %q, %q; want %q, %q", tt.outcome, id, kind, tt.id, tt.kind)
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
