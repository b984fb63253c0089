//go:build race

package usage_test

// raceEnabled: the race detector slows rendering several times over.
const raceEnabled = true
