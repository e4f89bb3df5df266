package doctor

// The response fields payway/assumed.go assumes, call by call, with what the app needs each to be. A field
// the real answer lacks is a FAIL even where the app would cope (expires_at): the point is that
// assumed.go says what Payway really sends. TestAssumptionsCoverAssumedGo fails when assumed.go gains a
// field that is not listed here.

// createSessionAssumptions are create_session's answer (payway's sessionItem). klarna_client_token is
// confirmed by Payway's guide; it is checked anyway, as the one value the widget cannot do without.
func createSessionAssumptions() []field {
	return []field{
		{path: "item.klarna_payments_session_id", kind: kString},
		{path: "item.klarna_client_token", kind: kJWT},
		{path: "item.payment_method_categories", kind: kPaywayCategories},
		{path: "item.expires_at", kind: kTimestamp},
	}
}

// placeOrderAssumptions are the answer of place_order and place_trial_order (payway's placedItem). They are
// never checked: only a real purchase answers them.
func placeOrderAssumptions() []field {
	return []field{
		{path: "item.order_id", kind: kString},
		{path: "item.redirect_uri", kind: kString},
		{path: "item.state", kind: kString},
	}
}

// orderFields are what the reconciler reads of each order of GET /external/api/v1/order?account_id=, whose
// envelope is assumed (payway's orderList).
func orderFields() []field {
	return []field{
		{path: "order_id", kind: kString},
		{path: "state", kind: kString},
		{path: "merchant_reference", kind: kString, optional: true},
	}
}
