package apilog

// IDKeys are the response fields, at any depth, whose string values identify something a person follows
// a purchase by at Payway or Klarna: orders, sessions, step-ups, hosted pages, callbacks.
var IDKeys = map[string]bool{
	"order_id": true, "session_id": true, "klarna_payments_session_id": true, "step_up_id": true,
	"correlation_id": true, "event_id": true,
}

// IDs collects the IDKeys found in a JSON body (a key found more than once keeps its first value), or
// nil when there are none or the body is not JSON. Ids are not secrets; tokens are never among IDKeys.
// It reads the body as MaskBodyIDs does (mask.go).
func IDs(body []byte) map[string]string {
	_, ids := MaskBodyIDs(body)
	return ids
}
