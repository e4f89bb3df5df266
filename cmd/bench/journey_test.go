package main

import (
	"testing"
	"time"
)

// Rounds of journeys combine as the rounds of a page target do: the median of each figure, the journeys and
// errors of every round, and any round out of readers.
func TestMedianJourneys(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		runs []journeyStat
		want journeyStat
	}{
		{"one round as it is", []journeyStat{{workers: 16, journeys: 10, perSec: 250, p50: 60 * ms, p99: 100 * ms, cpuPer: 6 * ms, firstError: "x"}},
			journeyStat{workers: 16, journeys: 10, perSec: 250, p50: 60 * ms, p99: 100 * ms, cpuPer: 6 * ms, firstError: "x"}},
		{"two rounds: the mean of the middle two", []journeyStat{
			{workers: 4, journeys: 100, errors: 1, perSec: 200, p50: 20 * ms, p99: 40 * ms, cpuPer: 7 * ms, firstError: "first"},
			{workers: 4, journeys: 120, perSec: 240, p50: 16 * ms, p99: 30 * ms, cpuPer: 6 * ms, outOfReaders: true},
		}, journeyStat{workers: 4, journeys: 220, errors: 1, perSec: 220, p50: 18 * ms, p99: 35 * ms, cpuPer: 6500 * time.Microsecond,
			firstError: "first", outOfReaders: true}},
		{"three rounds: each figure's own median", []journeyStat{
			{workers: 16, journeys: 1, perSec: 300, p50: 50 * ms, p99: 90 * ms, cpuPer: 5 * ms},
			{workers: 16, journeys: 1, perSec: 200, p50: 70 * ms, p99: 130 * ms, cpuPer: 8 * ms},
			{workers: 16, journeys: 1, perSec: 250, p50: 80 * ms, p99: 100 * ms, cpuPer: 6 * ms, errors: 2, firstError: "late"},
		}, journeyStat{workers: 16, journeys: 3, errors: 2, perSec: 250, p50: 70 * ms, p99: 100 * ms, cpuPer: 6 * ms, firstError: "late"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := medianJourneys(tt.runs); got != tt.want {
				t.Errorf("medianJourneys = %+v, want %+v", got, tt.want)
			}
		})
	}
}
