package s3store

import (
	"context"
	"fmt"
	"io"

	"github.com/turbocache/turbocache/storage"
)

// Put uploads the bytes of r as the artifact stored under key. Bodies of
// PartSize bytes or more go up as a multipart upload, which S3 makes
// visible only once complete; a failure or the end of ctx aborts it. The
// part buffers come from the Store's upload memory budget
// (Options.UploadMemory): when it is used up, Put waits for a buffer. A
// body that is an io.ReaderAt and an io.Seeker of known size, such as a
// file, needs no buffer: its parts are read where they lie in it.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	obj, err := s.newObject(ctx, "put", key, size, md)
	if err != nil {
		return err
	}
	if err := s.uploader.send(ctx, obj, r, size); err != nil {
		return fmt.Errorf("s3store: put %q in bucket %q: %w", key, s.bucket, err)
	}
	return nil
}

// newObject checks an upload of size bytes under key, for op (put or
// create), and returns the object it writes.
func (s *Store) newObject(ctx context.Context, op, key string, size int64, md storage.Metadata) (object, error) {
	if limit := s.partSize * MaxParts; size > limit {
		return object{}, fmt.Errorf("s3store: %s %q: %w: %d bytes, over %d parts of %d bytes", op, key, storage.ErrTooLarge, size, MaxParts, s.partSize)
	}
	metadata, err := encodeMetadata(md)
	if err != nil {
		return object{}, fmt.Errorf("s3store: %s %q: %w", op, key, err)
	}
	if err := ctx.Err(); err != nil {
		return object{}, fmt.Errorf("s3store: %s %q: %w", op, key, err)
	}
	return object{bucket: s.bucket, key: s.prefix + key, metadata: metadata}, nil
}
