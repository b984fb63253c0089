package fsstore_test

import "strings"

// isCheckpoint reports whether a file name is that of a Store's checkpoint
// file (durability.go), which a Store that syncs in batches keeps at the
// root of its directory while it is open.
func isCheckpoint(name string) bool { return strings.HasPrefix(name, "sync~") }
