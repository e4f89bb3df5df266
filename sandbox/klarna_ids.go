package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// newUUID returns a random (version 4) UUID, the shape Klarna uses for session ids, authorization
// tokens, order ids, customer tokens, step-up ids, event ids and correlation ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// clientTokenKey signs client tokens. The signature is for shape only: the sandbox looks sessions up by
// the stored token, so a public key is fine.
const clientTokenKey = "paywall-sandbox-client-token"

// clientTokenClaims is the payload of a sandbox client token. Klarna's real payload is undocumented; the
// SDK stand-in only needs session_id.
type clientTokenClaims struct {
	SessionID  string `json:"session_id"`
	BaseRegion string `json:"base_region"`
	Issuer     string `json:"iss"`
	IssuedAt   int64  `json:"iat"`
	Expires    int64  `json:"exp"`
}

// newClientToken returns a JWT-shaped (HS256) client token naming the session, so the SDK stand-in can
// check it the way Klarna's SDK does (three base64url parts) and find the session.
func newClientToken(sessionID string, issued, expires time.Time) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT", "kid": "sandbox"})
	payload, _ := json.Marshal(clientTokenClaims{SessionID: sessionID, BaseRegion: "eu", Issuer: "paywall-sandbox",
		IssuedAt: issued.Unix(), Expires: expires.Unix()})
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(clientTokenKey))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// sessionIDFromClientToken reads the session id out of a client token; ok is false for anything that is
// not a well-formed sandbox client token with a valid signature.
func sessionIDFromClientToken(token string) (string, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", false
	}
	enc := base64.RawURLEncoding
	mac := hmac.New(sha256.New, []byte(clientTokenKey))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := enc.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return "", false
	}
	payload, err := enc.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var c clientTokenClaims
	if err := json.Unmarshal(payload, &c); err != nil || c.SessionID == "" {
		return "", false
	}
	return c.SessionID, true
}

// maskedNumberFor invents a stable masked card or account number for a token (the last four digits
// derived from seed).
func maskedNumberFor(paymentMethodType, seed string) string {
	sum := sha256.Sum256([]byte("sandbox-masked:" + seed))
	last4 := fmt.Sprintf("%04d", (int(sum[0])<<8|int(sum[1]))%10000)
	switch paymentMethodType {
	case "CARD":
		return "************" + last4
	case "DIRECT_DEBIT":
		return "SE**************" + last4
	default:
		return "****" + last4
	}
}

// requestHash fingerprints a request body for Klarna-Idempotency-Key.
func requestHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
