package apilog

import "encoding/json"

// IDKeys are the response fields, at any depth, whose string values identify something a person follows
// a purchase by at Payway or Klarna: orders, sessions, step-ups, hosted pages, callbacks.
var IDKeys = map[string]bool{
	"order_id": true, "session_id": true, "klarna_payments_session_id": true, "step_up_id": true,
	"correlation_id": true, "event_id": true,
}

// IDs collects the IDKeys found in a JSON body (a key found more than once keeps one of its values), or
// nil when there are none or the body is not JSON. Ids are not secrets; tokens are never among IDKeys.
func IDs(body []byte) map[string]string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	out := map[string]string{}
	collectIDs(v, out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func collectIDs(v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && IDKeys[k] && s != "" {
				if _, seen := out[k]; !seen {
					out[k] = s
				}
				continue
			}
			collectIDs(x, out)
		}
	case []any:
		for _, x := range t {
			collectIDs(x, out)
		}
	}
}
