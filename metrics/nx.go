package metrics

import (
	"context"

	"github.com/turbocache/turbocache/nxapi"
)

// NxLookup counts one download of an Nx record by its result. Its signature
// is that of nxapi.Options.OnLookup. The requests themselves are counted by
// Handler, under the route "nx_artifact".
func (m *Metrics) NxLookup(_ context.Context, _ string, result nxapi.Lookup) {
	m.nxLookups.WithLabelValues(string(result)).Inc()
}
