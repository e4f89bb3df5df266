package app

import "runtime/debug"

// The garbage collector's defaults for the paywall's processes. A page view allocates 25–35 KB, and with
// Go's default (GOGC=100) about a third of a logged-in page's CPU went to allocation and collection;
// GOGC=300 cut the checkout's CPU per request by about a quarter in `make bench` (124 → 86 µs) for about
// 10 MB more RSS (49 → 59 MB at peak), and the memory limit keeps the heap bounded under larger loads:
// near it the collector runs as often as it must, whatever GOGC says.
//
// The limit covers the Go runtime's memory only: SQLite's page caches (two databases in sandbox mode, a
// writer and four readers each, 256 KiB a connection) and the binary's own pages (about 20 MB) sit beside
// it. The caches a login adds to are bounded by count (store.sessionCacheMax, purchaseCacheMax, the
// sandbox's tokenCacheMax), so under minutes of purchase journeys the live heap stays near 9 MB; when they
// held their last 30–60 s it reached 24–30 MB, the limit rather than GOGC set how often the collector ran,
// and a journey's CPU climbed with it (at 44 MiB the collector took 8–17 % of the CPU). At 50 MiB the
// process peaks near 73 MB in `make bench` (README, Performance).
const (
	DefaultGCPercent   = 300
	DefaultMemoryLimit = 50 << 20 // bytes: a soft limit on the Go runtime's memory
)

// gcDefaults says which of the defaults apply: those the environment does not set itself (GOGC,
// GOMEMLIMIT are the Go runtime's own variables, read before main).
func gcDefaults(getenv func(string) string) (percent, limit bool) {
	return getenv("GOGC") == "", getenv("GOMEMLIMIT") == ""
}

// TuneGC applies DefaultGCPercent and DefaultMemoryLimit where the environment leaves them to us. The
// paywall binary and the bench's bare baseline both call it, so `make bench` compares like with like.
func TuneGC(getenv func(string) string) {
	percent, limit := gcDefaults(getenv)
	if percent {
		debug.SetGCPercent(DefaultGCPercent)
	}
	if limit {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}
