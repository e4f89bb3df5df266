package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/paywall/paywall/internal/doctor"
)

// runDoctor is `paywall doctor`: the checks of internal/doctor on cfg, the configuration the app would run
// with. It returns an error (exit status 1) when any check fails. Three variables only the doctor reads:
// PAYWALL_DOCTOR_EMAIL and PAYWALL_DOCTOR_PASSWORD, a Payway test account for the customer's calls (set
// both or neither), and PAYWALL_DOCTOR_CREATE_SESSION=true, which lets live mode open an unpaid purchase
// session (it expires in 48 h) to see create_session's assumed fields.
func runDoctor(ctx context.Context, cfg config, getenv func(string) string, stdout io.Writer) error {
	email, _ := lookup(getenv, "PAYWALL_DOCTOR_EMAIL")
	password, _ := lookup(getenv, "PAYWALL_DOCTOR_PASSWORD")
	if (email == "") != (password == "") {
		return errors.New("PAYWALL_DOCTOR_EMAIL/PAYWALL_DOCTOR_PASSWORD: set both or neither")
	}
	createSession := false
	if v, ok := lookup(getenv, "PAYWALL_DOCTOR_CREATE_SESSION"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("PAYWALL_DOCTOR_CREATE_SESSION: %q is not true or false", v)
		}
		createSession = b
	}
	dcfg := doctor.Config{
		Mode: cfg.Mode, PublicURL: cfg.PublicURL,
		PaywayClientID: cfg.PaywayClientID, PaywaySecret: cfg.PaywaySecret, PaywayOrg: cfg.PaywayOrg,
		KlarnaUser: cfg.KlarnaUser, KlarnaPassword: cfg.KlarnaPassword,
		KlarnaOrigins: cfg.KlarnaOrigins, CataloguePath: cfg.CataloguePath,
		Email: email, Password: password, CreateSession: createSession,
		PaywayTimeout: cfg.PaywayTimeout, KlarnaTimeout: cfg.KlarnaTimeout,
	}
	// In sandbox mode the URLs stay empty: the doctor serves a sandbox of its own, leaving a running
	// `paywall` (and its sandbox on PAYWALL_SANDBOX_ADDR) alone.
	if cfg.Mode == modeLive {
		dcfg.PaywayURL, dcfg.KlarnaURL, dcfg.KlarnaSDKURL = cfg.PaywayURL, cfg.KlarnaURL, cfg.KlarnaSDKURL
	}
	summary, err := doctor.Run(ctx, dcfg, stdout)
	if err != nil {
		return err
	}
	return summary.Err()
}
