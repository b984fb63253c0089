package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// uploader streams bodies into objects, taking every part buffer from one
// budget shared by all uploads of a Store:
//
//   - a body of known size shorter than a part goes up as one PutObject
//     streamed from the reader, with no buffer, when the request carries
//     a trailing checksum: over HTTPS (where the SDK need not hash the
//     payload before signing it) with checksums computed when supported.
//     The trailer comes after the body, so a server never mistakes a
//     body cut short for a whole one (servers were seen storing the
//     truncated body of a broken request without one);
//   - any other body is read a part at a time into buffers of the budget:
//     one PutObject when it ends within the first part, a multipart upload
//     otherwise, with up to Concurrency parts in flight.
type uploader struct {
	client      *s3.Client
	partSize    int64
	concurrency int
	// checksum is the algorithm of multipart uploads: CRC32 when the
	// client computes checksums whenever supported (as the SDK's
	// uploader does), none when only where required.
	checksum types.ChecksumAlgorithm
	bufs     *partBuffers
	// buffered is set once the endpoint turned out to need seekable
	// bodies (plain HTTP), so that small bodies go through a buffer.
	buffered atomic.Bool
}

func newUploader(client *s3.Client, partSize int64, concurrency int, budget int64) *uploader {
	u := &uploader{
		client:      client,
		partSize:    partSize,
		concurrency: concurrency,
		bufs:        newPartBuffers(budget, partSize),
	}
	if client.Options().RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired {
		u.checksum = types.ChecksumAlgorithmCrc32
	}
	return u
}

// object names one object being written, with what goes along with it.
type object struct {
	bucket, key string
	metadata    map[string]string
	// onlyNew makes the request that makes the object visible
	// (PutObject, or CompleteMultipartUpload) carry If-None-Match: *, so
	// that S3 refuses to replace an object.
	onlyNew bool
}

// ifNoneMatch is the If-None-Match header of the object's final request.
func (o object) ifNoneMatch() *string {
	if o.onlyNew {
		return aws.String("*")
	}
	return nil
}

func (o object) putInput(body io.Reader, size int64) *s3.PutObjectInput {
	return &s3.PutObjectInput{
		Bucket:        aws.String(o.bucket),
		Key:           aws.String(o.key),
		Body:          body,
		ContentLength: aws.Int64(size),
		ContentType:   aws.String("application/octet-stream"),
		Metadata:      o.metadata,
		IfNoneMatch:   o.ifNoneMatch(),
	}
}

// upload stores body, of size bytes (-1: unknown), as obj. On failure no
// object is created and any multipart upload it began is aborted.
func (u *uploader) upload(ctx context.Context, obj object, body io.Reader, size int64) error {
	if 0 < size && size < u.partSize && u.checksum != "" && !u.buffered.Load() {
		stream := &endChecked{r: body, left: size}
		_, err := u.client.PutObject(ctx, obj.putInput(stream, size), requireTLS, retryRule(ctx))
		switch {
		case err == nil:
			return nil
		case stream.err != nil:
			return fmt.Errorf("%w (%w)", stream.err, err)
		case !errors.Is(err, errNotTLS):
			return err
		}
		// Nothing of body was read: send it through a buffer instead.
		u.buffered.Store(true)
	}
	if size == 0 {
		var probe [1]byte // body must end here; ExactReader checks it does
		if _, _, err := fill(body, probe[:]); err != nil {
			return err
		}
		_, err := u.client.PutObject(ctx, obj.putInput(bytes.NewReader(nil), 0), retryRule(ctx))
		return err
	}
	buf, err := u.bufs.get(ctx)
	if err != nil {
		return err
	}
	n, end, err := fill(body, buf)
	if err != nil || end {
		defer u.bufs.put(buf)
		if err != nil {
			return err
		}
		_, err = u.client.PutObject(ctx, obj.putInput(bytes.NewReader(buf[:n]), int64(n)), retryRule(ctx))
		return err
	}
	return u.multipart(ctx, obj, body, buf)
}

// fill reads r into buf until buf is full or r ends, and reports how many
// bytes it read and whether r ended. Unlike io.ReadFull, it returns an
// error of r even when buf filled up with the same Read.
func fill(r io.Reader, buf []byte) (int, bool, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		switch {
		case err == io.EOF:
			return n, true, nil
		case err != nil:
			return n, false, err
		}
	}
	return n, false, nil
}
