package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/turbocache/turbocache/storage"
)

// Defaults for Options.
const (
	// DefaultPartSize is the size of upload parts when none is set.
	DefaultPartSize = 8 << 20
	// DefaultConcurrency is how many parts of one upload are in flight
	// when no concurrency is set.
	DefaultConcurrency = 4
	// MinPartSize is the smallest part S3 accepts.
	MinPartSize = 5 << 20
	// MaxParts is the most parts one S3 upload may have; it bounds an
	// artifact to PartSize × MaxParts bytes.
	MaxParts = 10000
)

// Options tunes a Store. A nil *Options means the defaults.
type Options struct {
	// Prefix, when not empty, is put before every key, separated by '/':
	// Prefix "turbo" stores key "team/hash" as object "turbo/team/hash".
	Prefix string
	// PartSize is the size of the parts uploads are split into; 0 means
	// DefaultPartSize. S3 needs at least 5 MiB.
	PartSize int64
	// Concurrency is how many parts of one upload are sent at once;
	// 0 means DefaultConcurrency.
	Concurrency int
	// Checksum overrides the client's checksum settings; ChecksumAuto
	// keeps them.
	Checksum ChecksumMode

	// UploadMemory is the memory, in bytes, that all uploads of the Store
	// together may hold in part buffers; 0 means DefaultUploadMemory, or
	// one part when PartSize is larger. It is used in whole parts (64 MiB
	// holds eight 8 MiB parts). An upload that finds the budget used up
	// waits for a buffer, or until its context ends. Bodies of known size
	// below one part stream over HTTPS without any buffer.
	UploadMemory int64
}

// validate names the first bad field, as a field of parent.
func (o *Options) validate(parent string) error {
	if o.Prefix != "" {
		if err := storage.ValidKey(strings.TrimSuffix(o.Prefix, "/")); err != nil {
			return fmt.Errorf("s3store: %s.Prefix %q: %w", parent, o.Prefix, err)
		}
	}
	switch {
	case o.PartSize != 0 && o.PartSize < MinPartSize:
		return fmt.Errorf("s3store: %s.PartSize %d is below S3's minimum of %d bytes", parent, o.PartSize, MinPartSize)
	case o.PartSize > 5<<30:
		return fmt.Errorf("s3store: %s.PartSize %d is above S3's maximum of 5 GiB", parent, o.PartSize)
	case o.Concurrency < 0:
		return fmt.Errorf("s3store: %s.Concurrency %d is negative", parent, o.Concurrency)
	case o.Checksum < ChecksumAuto || o.Checksum > ChecksumWhenRequired:
		return fmt.Errorf("s3store: %s.Checksum %v is not a ChecksumMode", parent, o.Checksum)
	case o.UploadMemory < 0:
		return fmt.Errorf("s3store: %s.UploadMemory %d is negative", parent, o.UploadMemory)
	case o.UploadMemory != 0 && o.UploadMemory < o.partSize():
		return fmt.Errorf("s3store: %s.UploadMemory %d is below one part of %d bytes", parent, o.UploadMemory, o.partSize())
	}
	return nil
}

// Store is a [storage.Store] and [storage.Lister] on one S3 bucket. It is
// safe for concurrent use.
type Store struct {
	client   *s3.Client
	bucket   string
	prefix   string // "" or ending in '/'
	uploader *uploader
	partSize int64
}

// New returns a Store on bucket that sends its requests with client. A
// non-default opts.Checksum applies to this Store's calls only; the client
// itself is not changed.
func New(client *s3.Client, bucket string, opts *Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("s3store: New: client is nil")
	}
	if bucket == "" {
		return nil, errors.New("s3store: New: bucket is empty")
	}
	if opts == nil {
		opts = &Options{}
	}
	if err := opts.validate("Options"); err != nil {
		return nil, err
	}
	if opts.Checksum != ChecksumAuto {
		client = s3.New(client.Options(), opts.Checksum.apply)
	}
	s := &Store{client: client, bucket: bucket, partSize: opts.PartSize}
	if opts.Prefix != "" {
		s.prefix = strings.TrimSuffix(opts.Prefix, "/") + "/"
	}
	if s.partSize == 0 {
		s.partSize = DefaultPartSize
	}
	concurrency := opts.Concurrency
	if concurrency == 0 {
		concurrency = DefaultConcurrency
	}
	budget := opts.UploadMemory
	if budget == 0 {
		budget = max(DefaultUploadMemory, s.partSize)
	}
	s.uploader = newUploader(client, s.partSize, concurrency, budget)
	return s, nil
}

// partSize is the part size the options give.
func (o *Options) partSize() int64 {
	if o.PartSize == 0 {
		return DefaultPartSize
	}
	return o.PartSize
}

// UploadMemory returns the store's upload memory budget in bytes: what its
// part buffers take once all are in use.
func (s *Store) UploadMemory() int64 { return s.uploader.bufs.bytes() }

// Bucket returns the name of the store's bucket.
func (s *Store) Bucket() string { return s.bucket }

// objectKey is the name of the object that holds key.
func (s *Store) objectKey(key string) *string { return aws.String(s.prefix + key) }

// Get opens the artifact stored under key.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: s.objectKey(key)}, retryRule(ctx))
	if err != nil {
		return nil, storage.Info{}, s.fail("get", key, err)
	}
	md, err := decodeMetadata(out.Metadata)
	if err != nil {
		out.Body.Close()
		return nil, storage.Info{}, s.fail("get", key, err)
	}
	info := storage.Info{Size: aws.ToInt64(out.ContentLength), Created: aws.ToTime(out.LastModified), Metadata: md}
	return out.Body, info, nil
}

// Stat reports on the artifact stored under key, with a HEAD request.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.objectKey(key)}, retryRule(ctx))
	if err != nil {
		return storage.Info{}, s.fail("stat", key, err)
	}
	md, err := decodeMetadata(out.Metadata)
	if err != nil {
		return storage.Info{}, s.fail("stat", key, err)
	}
	return storage.Info{Size: aws.ToInt64(out.ContentLength), Created: aws.ToTime(out.LastModified), Metadata: md}, nil
}

// Delete removes the artifact stored under key. S3 reports success for a
// missing object too.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: s.objectKey(key)}, retryRule(ctx))
	if err != nil && !isNotFound(err) {
		return s.fail("delete", key, err)
	}
	return nil
}

// fail describes a failed operation on key, adding storage.ErrNotFound to
// the chain when S3 reported a missing object, and storage.ErrThrottled when
// it asked the client to slow down.
func (s *Store) fail(op, key string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("s3store: %s %q in bucket %q: %w: %w", op, key, s.bucket, storage.ErrNotFound, err)
	}
	if isThrottle(err) {
		return fmt.Errorf("s3store: %s %q in bucket %q: %w: %w", op, key, s.bucket, storage.ErrThrottled, err)
	}
	return fmt.Errorf("s3store: %s %q in bucket %q: %w", op, key, s.bucket, err)
}

// isNotFound reports whether err is S3's answer for a missing object:
// NoSuchKey from GetObject, NotFound (a bare 404) from HeadObject.
func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "NoSuchKey", "NotFound":
		return true
	}
	return false
}
