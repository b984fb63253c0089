package s3store

import (
	"context"
	"io"

	"github.com/turbocache/turbocache/storage"
)

// readerAtSeeker is a body that can be read at any offset and says where
// it stands, such as the *os.File of an fsstore Get (positioned at the
// artifact's first byte) or a *bytes.Reader. Put and Create upload such a
// body in sections read where they lie, with no part buffer: its uploads
// take nothing from the upload memory budget, and every part can be sent
// again.
type readerAtSeeker interface {
	io.ReaderAt
	io.Seeker
}

// send uploads the size bytes of r as obj: in sections when r is a
// readerAtSeeker of known size, else streamed or through the budget's part
// buffers (see uploader).
func (u *uploader) send(ctx context.Context, obj object, r io.Reader, size int64) error {
	if body, ok := r.(readerAtSeeker); ok && size >= 0 {
		// A file that cannot seek (a pipe) is streamed like any reader.
		if start, err := body.Seek(0, io.SeekCurrent); err == nil {
			return u.uploadSections(ctx, obj, body, start, size)
		}
	}
	return u.upload(ctx, obj, storage.ExactReader(ctx, r, size), size)
}

// uploadSections uploads the size bytes of body from offset start, which
// must be all it holds: one PutObject below a part, a multipart upload of
// part-sized sections otherwise. Afterwards body stands at its end, as if
// read.
func (u *uploader) uploadSections(ctx context.Context, obj object, body readerAtSeeker, start, size int64) error {
	end, err := body.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if err := storage.CheckLength(end-start, size); err != nil {
		return err
	}
	if size < u.partSize {
		_, err = u.client.PutObject(ctx, obj.putInput(io.NewSectionReader(body, start, size), size), retryRule(ctx))
		return err
	}
	off := start
	next := func(ctx context.Context) (part, bool, error) {
		if err := ctx.Err(); err != nil {
			return part{}, true, err
		}
		n := min(u.partSize, end-off)
		p := part{body: io.NewSectionReader(body, off, n), size: n}
		off += n
		return p, off == end, nil
	}
	return u.multipartOf(ctx, obj, next)
}
