package app

import "testing"

func TestGCDefaults(t *testing.T) {
	tests := []struct {
		name                   string
		env                    map[string]string
		wantPercent, wantLimit bool
	}{
		{"nothing set: both defaults", nil, true, true},
		{"GOGC set by the operator", map[string]string{"GOGC": "100"}, false, true},
		{"GOGC=off", map[string]string{"GOGC": "off"}, false, true},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "512MiB"}, true, false},
		{"both set", map[string]string{"GOGC": "200", "GOMEMLIMIT": "1GiB"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			percent, limit := gcDefaults(func(k string) string { return tt.env[k] })
			if percent != tt.wantPercent || limit != tt.wantLimit {
				t.Errorf("gcDefaults = %v, %v; want %v, %v", percent, limit, tt.wantPercent, tt.wantLimit)
			}
		})
	}
}
