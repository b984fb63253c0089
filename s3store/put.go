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
	if limit := s.partSize * MaxParts; size > limit {
		return fmt.Errorf("s3store: put %q: %w: %d bytes, over %d parts of %d bytes", key, storage.ErrTooLarge, size, MaxParts, s.partSize)
	}
	metadata, err := encodeMetadata(md)
	if err != nil {
		return fmt.Errorf("s3store: put %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("s3store: put %q: %w", key, err)
	}
	obj := object{bucket: s.bucket, key: s.prefix + key, metadata: metadata}
	if err := s.uploader.send(ctx, obj, r, size); err != nil {
		return fmt.Errorf("s3store: put %q in bucket %q: %w", key, s.bucket, err)
	}
	return nil
}
