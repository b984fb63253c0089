package storage

import "errors"

// ErrNoSpace is wrapped by errors that report a store out of room for an
// artifact: its disk is full and nothing more could be evicted.
var ErrNoSpace = errors.New("storage: no space left for the artifact")

// Usage is what a store knows about the room it takes.
type Usage struct {
	// Bytes is the room the stored artifacts take (for a local directory,
	// the sizes of their files).
	Bytes int64
	// Artifacts is how many artifacts are stored.
	Artifacts int64
	// MaxBytes is the bound on Bytes; zero means none.
	MaxBytes int64
	// Evictions counts the artifacts removed to keep within the bound or
	// to make room on a full disk, since the store was opened.
	Evictions int64
	// Skipped counts the entries of the store's backing storage that are
	// not artifacts (foreign files, unreadable directories) and are left
	// alone, since the store was opened.
	Skipped int64
}

// UsageReporter is implemented by stores that know how much they hold, such
// as a bounded local directory. Metrics read it.
type UsageReporter interface {
	Usage() Usage
}
