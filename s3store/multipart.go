package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// abortTimeout bounds the clean-up of a failed multipart upload, which runs
// even when the Put's context has ended.
const abortTimeout = 30 * time.Second

// multipart uploads first, a full part buffer of the budget, and the rest
// of body as the parts of one multipart upload, which S3 makes visible only
// once complete. An upload holds at most Concurrency+1 buffers: Concurrency
// parts in flight while the next one is read. On any failure, or when ctx
// ends, the multipart upload is aborted.
func (u *uploader) multipart(ctx context.Context, obj object, body io.Reader, first []byte) error {
	next := func(ctx context.Context) (part, bool, error) {
		if first != nil {
			buf := first
			first = nil
			return u.bufferPart(buf, len(buf)), false, nil
		}
		buf, err := u.bufs.get(ctx)
		if err != nil {
			return part{}, true, err
		}
		n, end, err := fill(body, buf)
		if err != nil || n == 0 {
			u.bufs.put(buf)
			return part{}, true, err
		}
		return u.bufferPart(buf, n), end, nil
	}
	err := u.multipartOf(ctx, obj, next)
	if first != nil {
		u.bufs.put(first) // the upload could not begin
	}
	return err
}

// bufferPart is the part held in the first n bytes of buf, a buffer of the
// budget, which goes back to it once the part is sent.
func (u *uploader) bufferPart(buf []byte, n int) part {
	return part{body: bytes.NewReader(buf[:n]), size: int64(n), done: func() { u.bufs.put(buf) }}
}

// multipartOf uploads the parts next yields as one multipart upload, and
// aborts it on any failure or when ctx ends.
func (u *uploader) multipartOf(ctx context.Context, obj object, next func(context.Context) (part, bool, error)) error {
	created, err := u.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:            aws.String(obj.bucket),
		Key:               aws.String(obj.key),
		ContentType:       aws.String("application/octet-stream"),
		Metadata:          obj.metadata,
		ChecksumAlgorithm: u.checksum,
	}, retryRule(ctx))
	if err != nil {
		return err
	}
	m := &multipartUpload{u: u, obj: obj, id: created.UploadId, sending: make(chan struct{}, u.concurrency)}
	err = m.send(ctx, next)
	if err == nil {
		return nil
	}
	if abortErr := u.abort(ctx, obj, m.id); abortErr != nil {
		return errors.Join(err, fmt.Errorf("abort multipart upload %s: %w", aws.ToString(m.id), abortErr))
	}
	return err
}

// abort aborts a multipart upload, with a context of its own that
// outlives ctx. A part the server was still receiving when the client gave
// it up can complete after the abort and bring the upload back, as S3's
// documentation warns, so abort checks that the upload is gone and aborts
// again if it is not.
func (u *uploader) abort(ctx context.Context, obj object, id *string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		_, err := u.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(obj.bucket), Key: aws.String(obj.key), UploadId: id,
		})
		if err != nil && !isNoSuchUpload(err) {
			return err
		}
		_, err = u.client.ListParts(ctx, &s3.ListPartsInput{
			Bucket: aws.String(obj.bucket), Key: aws.String(obj.key), UploadId: id, MaxParts: aws.Int32(1),
		})
		switch {
		case err == nil && attempt == 5:
			return fmt.Errorf("the upload is still there after %d aborts", attempt)
		case err != nil:
			return nil // gone, or it cannot be checked: the abort went through
		}
		select {
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// isNoSuchUpload reports whether err is S3's answer for a multipart upload
// that does not exist (any more).
func isNoSuchUpload(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchUpload"
}

// multipartUpload is one multipart upload in progress.
type multipartUpload struct {
	u       *uploader
	obj     object
	id      *string
	sending chan struct{} // one token per part in flight

	mu    sync.Mutex
	parts []types.CompletedPart
	err   error // the first failure
}

// part is one part of a multipart upload: its bytes, and what to do once
// they are sent, when not nil.
type part struct {
	body io.ReadSeeker
	size int64
	done func()
}

// send uploads the parts next yields, in order, up to Concurrency at a time,
// then completes the upload. next returns the next part and whether it is
// the last; a part of no bytes ends the upload before it. The next part is
// read while the parts before it are in flight. send returns once no part
// is in flight any more.
func (m *multipartUpload) send(ctx context.Context, next func(context.Context) (part, bool, error)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	fail := func(err error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.err == nil {
			m.err = err
			cancel(err) // stops the parts in flight
		}
	}
	for num := int32(1); ; num++ {
		p, last, err := next(ctx)
		if err != nil || p.size == 0 {
			if err != nil {
				fail(err)
			}
			break
		}
		if num > MaxParts {
			p.release()
			fail(fmt.Errorf("the body is longer than %d parts of %d bytes", MaxParts, m.u.partSize))
			break
		}
		select {
		case m.sending <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			p.release()
			fail(context.Cause(ctx))
			break
		}
		wg.Go(func() {
			defer func() { <-m.sending }()
			defer p.release()
			if err := m.uploadPart(ctx, num, p); err != nil {
				fail(err)
			}
		})
		if last {
			break
		}
	}
	wg.Wait()
	if m.err != nil {
		return m.err
	}
	slices.SortFunc(m.parts, func(a, b types.CompletedPart) int {
		return int(aws.ToInt32(a.PartNumber) - aws.ToInt32(b.PartNumber))
	})
	_, err := m.u.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(m.obj.bucket), Key: aws.String(m.obj.key), UploadId: m.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: m.parts},
		IfNoneMatch:     m.obj.ifNoneMatch(),
	}, retryRule(ctx))
	return err
}

// release runs p's done, if any.
func (p part) release() {
	if p.done != nil {
		p.done()
	}
}

// uploadPart sends one part and records it for the completion.
func (m *multipartUpload) uploadPart(ctx context.Context, num int32, p part) error {
	out, err := m.u.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket: aws.String(m.obj.bucket), Key: aws.String(m.obj.key), UploadId: m.id,
		PartNumber:        aws.Int32(num),
		Body:              p.body,
		ContentLength:     aws.Int64(p.size),
		ChecksumAlgorithm: m.u.checksum,
	}, retryRule(ctx))
	if err != nil {
		return fmt.Errorf("upload part %d: %w", num, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts = append(m.parts, types.CompletedPart{
		PartNumber:        aws.Int32(num),
		ETag:              out.ETag,
		ChecksumCRC32:     out.ChecksumCRC32,
		ChecksumCRC32C:    out.ChecksumCRC32C,
		ChecksumCRC64NVME: out.ChecksumCRC64NVME,
		ChecksumSHA1:      out.ChecksumSHA1,
		ChecksumSHA256:    out.ChecksumSHA256,
	})
	return nil
}
