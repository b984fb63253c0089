package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// bareClient is the floor of the S3 benchmarks: the same bytes as the
// servers move, sent to and read from the S3 server directly with the SDK
// (PutObject of the body in memory, GetObject), with no server between. It
// implements load.Transport.
type bareClient struct {
	client *s3.Client
	bucket string
}

// Put stores body as the object hash.
func (c *bareClient) Put(ctx context.Context, hash string, body []byte) (time.Duration, error) {
	start := time.Now()
	_, err := c.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(c.bucket), Key: aws.String(hash),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
	})
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("PutObject %s: %w", hash, err)
	}
	return d, nil
}

// Get reads the object hash into buf, which must be exactly as long.
func (c *bareClient) Get(ctx context.Context, hash string, buf []byte) (time.Duration, error) {
	start := time.Now()
	out, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.bucket), Key: aws.String(hash)})
	if err != nil {
		return time.Since(start), fmt.Errorf("GetObject %s: %w", hash, err)
	}
	defer out.Body.Close()
	if _, err := io.ReadFull(out.Body, buf); err != nil {
		return time.Since(start), fmt.Errorf("GetObject %s: reading %d bytes: %w", hash, len(buf), err)
	}
	var probe [1]byte
	if n, _ := io.ReadFull(out.Body, probe[:]); n != 0 {
		return time.Since(start), fmt.Errorf("GetObject %s: body longer than %d bytes", hash, len(buf))
	}
	return time.Since(start), nil
}
