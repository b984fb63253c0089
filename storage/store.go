package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is wrapped by errors that report a missing artifact.
var ErrNotFound = errors.New("storage: artifact not found")

// ErrTooLarge is wrapped by errors that report an artifact larger than a
// store, or the server in front of it, accepts.
var ErrTooLarge = errors.New("storage: artifact too large")

// Metadata is what the client sent with an artifact and gets back with it.
// Stores keep every field verbatim.
type Metadata struct {
	// Duration is how long the task took to run (x-artifact-duration).
	Duration time.Duration
	// Tag is the artifact's signature (x-artifact-tag), up to 600 characters.
	Tag string
	// SHA is the git commit the artifact was built from (x-artifact-sha).
	SHA string
	// DirtyHash identifies uncommitted changes (x-artifact-dirty-hash).
	DirtyHash string
}

// Info is what a store reports about a stored artifact.
type Info struct {
	// Size is the artifact's length in bytes.
	Size int64
	// Created is when the artifact was stored.
	Created time.Time
	Metadata
}

// Store keeps artifacts under keys. The package documentation lists the
// rules every implementation keeps; storagetest checks them.
type Store interface {
	// Get opens the artifact stored under key. The caller closes the reader.
	// A missing artifact is an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)

	// Stat reports on the artifact stored under key without reading it.
	// A missing artifact is an error wrapping ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)

	// Put stores the bytes of r under key, replacing any artifact there.
	// size is the exact number of bytes r yields, or -1 when unknown.
	// Put is all or nothing: on any error no new artifact is visible.
	Put(ctx context.Context, key string, r io.Reader, size int64, md Metadata) error

	// Delete removes the artifact stored under key. Deleting a missing
	// artifact is not an error.
	Delete(ctx context.Context, key string) error
}
