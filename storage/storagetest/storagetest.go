// Package storagetest checks that a [storage.Store] keeps the rules of the
// storage package. Driver authors call [Run] from a test:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			return mystore.New(t.TempDir())
//		})
//	}
//
// A store that keeps artifacts beyond its own life also calls
// [RunPersistence], with a function that opens it again on the same
// backing storage.
//
// Run it with -race: several checks use many goroutines at once.
package storagetest

import (
	"testing"

	"github.com/turbocache/turbocache/storage"
)

// Run runs the conformance suite against the stores newStore returns. It
// calls newStore once per subtest; each call must return a store that is
// empty and independent of the others (a new directory, bucket or
// namespace). Checks of List and Sweep run only for stores that implement
// [storage.Lister], checks of Create only for stores that implement
// [storage.Creator].
//
// The suite writes artifacts of up to 64 MiB.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Helper()
	suite := []struct {
		name string
		test func(t *testing.T, s storage.Store)
	}{
		{"Miss", testMiss},
		{"RoundTrip", testRoundTrip},
		{"UnknownSize", testUnknownSize},
		{"Overwrite", testOverwrite},
		{"FailedPut", testFailedPut},
		{"Delete", testDelete},
		{"InvalidKeys", testInvalidKeys},
		{"ConcurrentOverwrite", testConcurrentOverwrite},
		{"List", testList},
		{"Sweep", testSweep},
		{"GetStreams", testGetStreams},
		{"Create", testCreate},
	}
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			tc.test(t, newStore(t))
		})
	}
}
