package sandbox

import (
	"net/http"
	"time"
)

// clockView is the answer of GET and POST /sandbox/v1/clock.
type clockView struct {
	Now           time.Time `json:"now"`            // sandbox time, RFC 3339
	Offset        string    `json:"offset"`         // Go duration, e.g. "49h0m0s"
	OffsetSeconds int64     `json:"offset_seconds"` // the same, for scripts
}

func (s *Server) clockView() clockView {
	off := s.clock.currentOffset()
	return clockView{Now: s.now().UTC(), Offset: off.String(), OffsetSeconds: int64(off / time.Second)}
}

// controlClock serves GET /sandbox/v1/clock: where the sandbox clock stands.
func (s *Server) controlClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.clockView())
}

// clockRequest is POST /sandbox/v1/clock's body, one of: {"advance": "49h"} moves the clock by a Go
// duration (negative moves back); {"offset": "0s"} puts it at that offset from the base clock ("0s": back
// to now, what the demo console's "back to now" sends).
type clockRequest struct {
	Advance string `json:"advance"`
	Offset  string `json:"offset"`
}

// controlAdvanceClock serves POST /sandbox/v1/clock: moves the sandbox clock, so a test or demo reaches
// an expiry (48 h purchase session, 60 min authorization) without waiting for it, and back.
func (s *Server) controlAdvanceClock(w http.ResponseWriter, r *http.Request) {
	var req clockRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	if (req.Advance == "") == (req.Offset == "") {
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter",
			"Send one of advance (a Go duration such as \"49h\" or \"-30m\") and offset (such as \"0s\", back to now)")
		return
	}
	name, value := "advance", req.Advance
	if req.Offset != "" {
		name, value = "offset", req.Offset
	}
	d, err := time.ParseDuration(value)
	if err != nil {
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter", "Invalid parameter value: "+name+": "+err.Error())
		return
	}
	if name == "offset" {
		s.clock.set(d)
	} else {
		s.clock.advance(d)
	}
	s.log.InfoContext(r.Context(), "sandbox clock moved", name, d, "offset", s.clock.currentOffset())
	writeJSON(w, http.StatusOK, s.clockView())
}
