package storage

import (
	"context"
	"iter"
	"time"
)

// Object names a stored artifact in a listing.
type Object struct {
	Key     string
	Size    int64
	Created time.Time
}

// Lister is implemented by stores that can enumerate their artifacts.
// [Sweep] uses it to expire old artifacts.
type Lister interface {
	// List yields every artifact whose key starts with prefix, in no
	// particular order. Artifacts stored or deleted during the listing may or
	// may not be seen. After yielding a non-nil error the sequence ends.
	List(ctx context.Context, prefix string) iter.Seq2[Object, error]
}
