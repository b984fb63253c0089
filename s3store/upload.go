package s3store

// Every use of feature/s3/manager is in this file: the SDK marks that module
// deprecated in favour of feature/s3/transfermanager, and moving to it
// should change nothing else.

//lint:file-ignore SA1019 feature/s3/manager stays until transfermanager's API is stable (v1).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// abortTimeout bounds the clean-up of a failed multipart upload, which runs
// even when the Put's context has ended.
const abortTimeout = 30 * time.Second

// uploader streams bodies into objects: one PutObject for a body shorter
// than a part, a multipart upload otherwise.
type uploader struct {
	client *s3.Client
	up     *manager.Uploader
}

func newUploader(client *s3.Client, partSize int64, concurrency int) *uploader {
	checksum := client.Options().RequestChecksumCalculation
	if checksum == 0 {
		checksum = aws.RequestChecksumCalculationWhenSupported // the SDK's default
	}
	up := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = concurrency
		// The uploader has its own checksum setting, which would otherwise
		// add CRC32 to every part whatever the client says.
		u.RequestChecksumCalculation = checksum
		// Parts are aborted below, with a context that outlives the Put's.
		u.LeavePartsOnError = true
	})
	return &uploader{client: client, up: up}
}

// upload stores body as bucket/key with metadata. On failure no object is
// created and any multipart upload it began is aborted. With onlyNew, the
// request (PutObject, or CompleteMultipartUpload, to which the uploader
// copies the field) carries If-None-Match: *, so S3 refuses to replace an
// object.
func (u *uploader) upload(ctx context.Context, bucket, key string, body io.Reader, metadata map[string]string, onlyNew bool) error {
	in := &s3.PutObjectInput{
		Bucket:      aws.String(bucket),
		Key:         aws.String(key),
		Body:        body,
		ContentType: aws.String("application/octet-stream"),
		Metadata:    metadata,
	}
	if onlyNew {
		in.IfNoneMatch = aws.String("*")
	}
	_, err := u.up.Upload(ctx, in)
	if err == nil {
		return nil
	}
	var multi manager.MultiUploadFailure
	if errors.As(err, &multi) && multi.UploadID() != "" {
		abortCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		_, abortErr := u.client.AbortMultipartUpload(abortCtx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(multi.UploadID()),
		})
		if abortErr != nil {
			return errors.Join(err, fmt.Errorf("abort multipart upload %s: %w", multi.UploadID(), abortErr))
		}
	}
	return err
}
