// Package turboenv gives the environment that the turbo CLI is run with by
// the tests and the benchmarks: the caller's, without what would change
// turbo's behaviour.
package turboenv

import (
	"os"
	"slices"
	"strings"
)

// Environ returns the process's environment without what would change
// turbo's behaviour (CI detection, TURBO_* settings, Vercel's variables),
// with telemetry and update checks turned off.
func Environ() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "CI" || strings.HasPrefix(name, "TURBO_") || strings.HasPrefix(name, "VERCEL") ||
			name == "GITHUB_ACTIONS" || name == "DO_NOT_TRACK"
	})
	return append(env, "TURBO_TELEMETRY_DISABLED=1", "DO_NOT_TRACK=1", "TURBO_NO_UPDATE_NOTIFIER=1")
}
