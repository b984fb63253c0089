package tiered

import (
	"os"
	"time"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// An fsstore's creation time is its file's modification time, which a copy
// made by the tier would set to the time of the copy. The tier sets it back
// to the artifact's own (the remote's for a fill, the Put's for an upload),
// so that Stat and List report one creation time and an expiry sweep sees
// an artifact's true age. Other local stores report the time of the copy.

// openLocalRoot opens the directory of local when it is an fsstore.
func openLocalRoot(local storage.Store) *os.Root {
	fs, ok := local.(*fsstore.Store)
	if !ok {
		return nil
	}
	root, err := os.OpenRoot(fs.Dir())
	if err != nil {
		return nil
	}
	return root
}

// setCreated records t as the creation time of the local copy of key.
func (s *Store) setCreated(key string, t time.Time) {
	if s.localRoot == nil || t.IsZero() {
		return
	}
	if err := s.localRoot.Chtimes(key, time.Time{}, t); err != nil {
		s.log.Debug("tiered: setting the creation time of a local copy failed", "key", key, "err", err)
	}
}
