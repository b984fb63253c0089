package s3test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Client returns a bare SDK client for the server, with path-style
// addressing and the SDK's defaults otherwise; optFns adjust it.
func (s *Server) Client(optFns ...func(*s3.Options)) *s3.Client {
	cfg := aws.Config{
		Region:      s.Region,
		Credentials: credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, ""),
		HTTPClient:  s.HTTPClient,
	}
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.Endpoint)
		o.UsePathStyle = true
	}}, optFns...)...)
}

// NewBucket creates an empty bucket for the test and returns its name. On
// an external server the bucket and its objects are removed when the test
// ends; a started server removes everything when it closes.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := bucketName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := s.Client()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("s3test: create bucket %q at %s: %v", name, s.Endpoint, err)
	}
	if s.external {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := emptyBucket(ctx, client, name); err != nil {
				t.Errorf("s3test: %v", err)
			}
		})
	}
	return name
}

// bucketName derives a valid, unique bucket name from a test name.
func bucketName(test string) string {
	var b strings.Builder
	b.WriteString("t-")
	for _, r := range strings.ToLower(test) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			if !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	b.WriteString(randomHex(6))
	return b.String()
}

// emptyBucket deletes every object and unfinished upload in bucket, then the
// bucket itself.
func emptyBucket(ctx context.Context, client *s3.Client, bucket string) error {
	var errs []error
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for _, obj := range page.Contents {
			if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: obj.Key}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	uploads, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err == nil {
		for _, u := range uploads.Uploads {
			_, err := client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId})
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if _, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("empty bucket %q: %w", bucket, err)
	}
	return nil
}

// Leftovers lists what is in bucket: object keys and the keys of unfinished
// multipart uploads.
func (s *Server) Leftovers(ctx context.Context, bucket string) (objects, uploads []string, err error) {
	client := s.Client()
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("s3test: list objects in %q: %w", bucket, err)
		}
		for _, o := range page.Contents {
			objects = append(objects, aws.ToString(o.Key))
		}
	}
	out, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, nil, fmt.Errorf("s3test: list multipart uploads in %q: %w", bucket, err)
	}
	for _, u := range out.Uploads {
		uploads = append(uploads, aws.ToString(u.Key)+" "+aws.ToString(u.UploadId))
	}
	return objects, uploads, nil
}
