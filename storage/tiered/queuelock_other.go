//go:build !unix

package tiered

import "os"

// lockQueue does nothing where flock is missing: a queue directory must
// then belong to one Store by configuration alone.
func lockQueue(dir string) (*os.File, error) { return nil, nil }
