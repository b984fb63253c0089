package kvstore

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// TestManifestFormat pins the manifest's JSON, the manifest line and the KV
// metadata alike, byte for byte: namespaces written by earlier versions
// must still read, and earlier versions must read what this one writes.
func TestManifestFormat(t *testing.T) {
	created := time.Unix(1700000000, 5).UTC()
	tests := []struct {
		name   string
		md     storage.Metadata
		line   string
		kvMeta string
	}{
		{
			name:   "no metadata",
			line:   `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","up":"u","parts":2,"psize":4}`,
			kvMeta: `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","up":"u","parts":2,"psize":4}`,
		},
		{
			name:   "every field",
			md:     storage.Metadata{Duration: 1500 * time.Millisecond, Tag: "t", SHA: "s", DirtyHash: "d"},
			line:   `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","dur":1500000000,"tag":"t","sha":"s","dirty":"d","up":"u","parts":2,"psize":4}`,
			kvMeta: `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","dur":1500000000,"tag":"t","sha":"s","dirty":"d","up":"u","parts":2,"psize":4}`,
		},
		{
			name:   "metadata too long for KV's",
			md:     storage.Metadata{Duration: time.Second, Tag: strings.Repeat("x", 1100)},
			line:   `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","dur":1000000000,"tag":"` + strings.Repeat("x", 1100) + `","up":"u","parts":2,"psize":4}`,
			kvMeta: `{"v":1,"size":7,"created":"2023-11-14T22:13:20.000000005Z","up":"u","parts":2,"psize":4,"partial":true}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &manifest{Version: 1, Size: 7, Created: created, metadata: metadata(tt.md), Upload: "u", Parts: 2, PartSize: 4}
			line, err := m.line()
			require.NoError(t, err)
			require.Equal(t, tt.line+"\n", string(line))
			kvMeta, err := m.kvMetadata()
			require.NoError(t, err)
			require.Equal(t, tt.kvMeta, string(kvMeta))

			read, err := readManifest(bufio.NewReader(strings.NewReader(tt.line + "\n")))
			require.NoError(t, err)
			require.Equal(t, storage.Info{Size: 7, Created: created, Metadata: tt.md}, read.info())
		})
	}
}
