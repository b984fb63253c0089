//go:build !unix

package fsstore

import "os"

// lockTemp does nothing where flock is not available.
func lockTemp(*os.File) {}

// tempInUse reports every temporary file as abandoned where flock is not
// available: Open removes them all.
func (s *Store) tempInUse(string) bool { return false }
