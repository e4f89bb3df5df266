//go:build race

package main

// raceEnabled: this test binary has the race detector, so the app it builds for the end-to-end test has
// it too.
const raceEnabled = true
