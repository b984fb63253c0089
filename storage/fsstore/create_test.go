package fsstore_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// tempFiles lists the temporary files below dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var temps []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), "~") {
			temps = append(temps, path)
		}
		return err
	})
	require.NoError(t, err)
	return temps
}

func TestCreate(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	s, err := fsstore.Open(dir, &fsstore.Options{Now: func() time.Time { return created }})
	require.NoError(t, err)
	defer s.Close()
	var _ storage.Creator = s

	cases := []struct {
		name    string
		key     string
		before  func(t *testing.T)
		wantErr error // nil: success
		other   bool  // an error that is neither nil nor ErrExists
	}{
		{name: "New", key: "team/new"},
		{name: "Existing", key: "team/existing", wantErr: storage.ErrExists, before: func(t *testing.T) {
			require.NoError(t, s.Put(ctx, "team/existing", strings.NewReader("old"), 3, storage.Metadata{}))
		}},
		// "team" is the directory of team/new: not an artifact, so not ErrExists.
		{name: "DirectoryPrefix", key: "team", other: true},
		{name: "UnderAnArtifact", key: "team/existing/sub", other: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before(t)
			}
			err := s.Create(ctx, tc.key, strings.NewReader("body"), 4, storage.Metadata{SHA: "c"})
			switch {
			case tc.other:
				require.Error(t, err)
				assert.NotErrorIs(t, err, storage.ErrExists)
			case tc.wantErr != nil:
				require.ErrorIs(t, err, tc.wantErr)
			default:
				require.NoError(t, err)
				info, err := s.Stat(ctx, tc.key)
				require.NoError(t, err)
				assert.Equal(t, int64(4), info.Size)
				assert.True(t, info.Created.Equal(created), "Created %v, want %v (Options.Now)", info.Created, created)
			}
			assert.Empty(t, tempFiles(t, dir), "temporary files left by Create")
		})
	}
	info, err := s.Stat(ctx, "team/existing")
	require.NoError(t, err)
	assert.Equal(t, int64(3), info.Size, "the artifact a Create met is unchanged")
}
