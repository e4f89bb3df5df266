package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// faultRequest is POST /sandbox/v1/faults's body. Target names a route exactly as the route table does,
// "<METHOD> <pattern>" (GET /sandbox/v1/scenarios lists them under fault_targets). At least one of
// status, delay_ms and drop is required; count defaults to 1. after: the call is carried out first and the
// fault hits only its answer (late, dropped, or replaced by the status): the operation happened.
type faultRequest struct {
	Target  string `json:"target"`
	Status  int    `json:"status,omitempty"`
	DelayMS int64  `json:"delay_ms,omitempty"`
	Drop    bool   `json:"drop,omitempty"`
	After   bool   `json:"after,omitempty"`
	Count   int    `json:"count,omitempty"`
}

// faultView is how the control API shows an armed fault.
type faultView struct {
	ID        string    `json:"id"`
	Target    string    `json:"target"`
	Status    int       `json:"status,omitempty"`
	DelayMS   int64     `json:"delay_ms,omitempty"`
	Drop      bool      `json:"drop,omitempty"`
	After     bool      `json:"after,omitempty"`
	Count     int       `json:"count"`
	Remaining int       `json:"remaining"`
	CreatedAt time.Time `json:"created_at"`
}

func viewFault(f fault) faultView {
	return faultView{ID: f.ID, Target: f.Target, Status: f.Status, DelayMS: f.Delay.Milliseconds(), Drop: f.Drop,
		After: f.After, Count: f.Count, Remaining: f.Remaining, CreatedAt: f.CreatedAt.UTC()}
}

// faultTargets lists the routes a fault can be armed on, in table order: everything but the control API.
func (s *Server) faultTargets() []string {
	var out []string
	for _, rt := range s.table() {
		if t := rt.method + " " + rt.path; faultable(rt.path) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// validateFault checks a fault request against the route table and the limits, returning the fault to arm.
func (s *Server) validateFault(req faultRequest) (fault, *paywayError) {
	invalid := func(format string, args ...any) (fault, *paywayError) {
		return fault{}, badRequest("invalid_parameter", fmt.Sprintf(format, args...))
	}
	target := ""
	if f := strings.Fields(req.Target); len(f) == 2 {
		target = strings.ToUpper(f[0]) + " " + f[1]
	}
	switch {
	case strings.TrimSpace(req.Target) == "":
		return invalid("Missing parameter: target (\"<METHOD> <route pattern>\", see GET /sandbox/v1/scenarios)")
	case !slices.Contains(s.faultTargets(), target):
		return invalid("Unknown target %q: use a route exactly as GET /sandbox/v1/scenarios lists it under fault_targets", req.Target)
	case req.Status == 0 && req.DelayMS == 0 && !req.Drop:
		return invalid("A fault needs status, delay_ms or drop")
	case req.Status != 0 && (req.Status < 400 || req.Status > 599):
		return invalid("Invalid parameter value: status must be 400-599")
	case req.Status != 0 && req.Drop:
		return invalid("status and drop exclude each other: a dropped connection has no status")
	case req.DelayMS < 0 || time.Duration(req.DelayMS)*time.Millisecond > maxFaultDelay:
		return invalid("Invalid parameter value: delay_ms must be 0-%d", maxFaultDelay.Milliseconds())
	case req.Count < 0 || req.Count > maxFaultCount:
		return invalid("Invalid parameter value: count must be 1-%d", maxFaultCount)
	}
	count := req.Count
	if count == 0 {
		count = 1
	}
	return fault{Target: target, Status: req.Status, Delay: time.Duration(req.DelayMS) * time.Millisecond,
		Drop: req.Drop, After: req.After, Count: count, CreatedAt: s.now()}, nil
}

// controlAddFault serves POST /sandbox/v1/faults: 201 with the armed fault.
func (s *Server) controlAddFault(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	f, perr := s.validateFault(req)
	if perr != nil {
		s.writePaywayErr(w, r, perr)
		return
	}
	f = s.faults.add(f)
	s.log.InfoContext(r.Context(), "sandbox fault armed", "id", f.ID, "target", f.Target, "status", f.Status,
		"delay", f.Delay, "drop", f.Drop, "after", f.After, "count", f.Count)
	writeJSON(w, http.StatusCreated, viewFault(f))
}

// controlListFaults serves GET /sandbox/v1/faults: {"faults": [...]}, oldest first.
func (s *Server) controlListFaults(w http.ResponseWriter, r *http.Request) {
	views := []faultView{}
	for _, f := range s.faults.list() {
		views = append(views, viewFault(f))
	}
	writeJSON(w, http.StatusOK, struct {
		Faults []faultView `json:"faults"`
	}{views})
}

// controlClearFaults serves DELETE /sandbox/v1/faults: disarms all (204).
func (s *Server) controlClearFaults(w http.ResponseWriter, r *http.Request) {
	s.faults.clear()
	w.WriteHeader(http.StatusNoContent)
}

// controlDeleteFault serves DELETE /sandbox/v1/faults/{id}: disarms one (204, or 404 not_found).
func (s *Server) controlDeleteFault(w http.ResponseWriter, r *http.Request) {
	if !s.faults.remove(r.PathValue("id")) {
		writePaywayError(w, http.StatusNotFound, "not_found", "No armed fault "+r.PathValue("id"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
