package storage

import (
	"context"
	"errors"
	"io"
)

// ErrExists is wrapped by errors that report an artifact already stored
// under the key given to [Creator.Create].
var ErrExists = errors.New("storage: artifact already exists")

// Creator is implemented by stores that can store an artifact only when no
// artifact is stored under its key, as one atomic step: of several
// concurrent Creates of one key, exactly one succeeds and the others fail
// with an error wrapping [ErrExists]. Protocols whose records are never
// overwritten (Nx's) use it.
//
// Create keeps Put's rules: size is exact or -1, and on any error no new
// artifact is visible.
type Creator interface {
	Create(ctx context.Context, key string, r io.Reader, size int64, md Metadata) error
}
