package fsstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// BenchmarkOpen100k measures what a restart costs a bounded Store holding
// 100,000 artifacts (in 100 team directories): the time Open takes to know
// them again, and the memory its index takes per artifact.
//
//	go test -run '^$' -bench Open100k -benchtime 3x ./storage/fsstore
func BenchmarkOpen100k(b *testing.B) {
	const teams, perTeam = 100, 1000
	dir := b.TempDir()
	// One real artifact file, copied under every name: writing 100,000
	// through Put would time fsyncs, not Open.
	s, err := fsstore.Open(dir, nil)
	require.NoError(b, err)
	require.NoError(b, s.Put(context.Background(), "template/x", bytes.NewReader(make([]byte, 512)), 512, storage.Metadata{SHA: "abc"}))
	require.NoError(b, s.Close())
	file, err := os.ReadFile(filepath.Join(dir, "template", "x"))
	require.NoError(b, err)
	require.NoError(b, os.RemoveAll(filepath.Join(dir, "template")))
	for t := range teams {
		team := filepath.Join(dir, fmt.Sprintf("team-%03d", t))
		require.NoError(b, os.Mkdir(team, 0o700))
		for i := range perTeam {
			require.NoError(b, os.WriteFile(filepath.Join(team, fmt.Sprintf("%016x", t*perTeam+i)), file, 0o600))
		}
	}
	var perArtifact float64
	b.ResetTimer()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := fsstore.Open(dir, &fsstore.Options{MaxSize: 1 << 40})
		require.NoError(b, err)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		require.Equal(b, int64(teams*perTeam), s.Usage().Artifacts)
		perArtifact = float64(after.HeapAlloc-before.HeapAlloc) / (teams * perTeam)
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(perArtifact, "heap-B/artifact")
}
