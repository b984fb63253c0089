//go:build !unix

package fsstore

// renameAcross is not available without renameat(2): Move copies.
func renameAcross(from, to *Store, key string) error { return errNoRename }
