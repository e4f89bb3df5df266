package payway

import "github.com/paywall/paywall/internal/apilog"

// Masking lives in internal/apilog, shared with the klarna client; these names keep this package's code
// and tests reading as before.

// masked replaces every secret value in observed bodies.
const masked = apilog.Masked

// maskBody returns body with secret values replaced (apilog.MaskBody).
func maskBody(body []byte) string { return apilog.MaskBody(body) }

// maskForm masks a form body or query string (apilog.MaskForm).
func maskForm(body string) string { return apilog.MaskForm(body) }

// maskPath masks secret query parameters and path tokens (apilog.MaskPath).
func maskPath(path string) string { return apilog.MaskPath(path) }
