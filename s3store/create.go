package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/smithy-go"

	"github.com/turbocache/turbocache/storage"
)

// Create uploads the bytes of r as the artifact stored under key, unless an
// object exists there already: then it fails with an error wrapping
// storage.ErrExists.
//
// The upload is Put's, with If-None-Match: * on the request that makes the
// object visible (PutObject, or CompleteMultipartUpload for a multipart
// upload), so S3 itself makes the check and the write one step, for every
// client of the bucket. S3 answers 412 Precondition Failed when the object
// exists, and 409 ConditionalRequestConflict when another conditional write
// of the key is in flight; both are reported as storage.ErrExists. In the
// second case the other write may still fail, leaving no object: a caller
// that must store something can retry. An upload that fails in transit
// while an object is stored under key is reported as storage.ErrExists too:
// servers that refuse before reading the whole body close the connection
// under it.
func (s *Store) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	obj, err := s.newObject(ctx, "create", key, size, md)
	if err != nil {
		return err
	}
	obj.onlyNew = true
	err = s.uploader.send(ctx, obj, r, size)
	switch {
	case err == nil:
		return nil
	case isExists(err) || ctx.Err() == nil && !isAPIError(err) && s.exists(ctx, key):
		// Servers check If-None-Match before reading the body too
		// (versitygw does): the refusal then often reaches the client as
		// a connection closed under the upload, not as a 412. When the
		// upload failed in transit and an object is there, it is whole
		// and was stored first; rarely it is this very upload, whose
		// answer was lost, which a caller may take as "exists" too.
		return fmt.Errorf("s3store: create %q in bucket %q: %w: %w", key, s.bucket, storage.ErrExists, err)
	}
	return fmt.Errorf("s3store: create %q in bucket %q: %w", key, s.bucket, err)
}

// exists reports whether an object is stored under key.
func (s *Store) exists(ctx context.Context, key string) bool {
	_, err := s.Stat(ctx, key)
	return err == nil
}

// isAPIError reports whether err holds an answer of the S3 server, rather
// than a failure to reach it or to send the request.
func isAPIError(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr)
}

// isExists reports whether err is S3's refusal of a write with
// If-None-Match: * because the object exists or is being written.
func isExists(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "PreconditionFailed", "ConditionalRequestConflict":
		return true
	}
	return false
}
