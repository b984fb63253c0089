package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/turbocache/turbocache/internal/freeport"
)

// s3Backend is the S3 server that the servers of the S3 and tier modes
// store in: a versitygw process over a directory of the work directory,
// started by compare on a loopback port. Every server run gets a bucket of
// its own.
type s3Backend struct {
	endpoint, region     string
	accessKey, secretKey string
	root                 string // versitygw's posix root: one directory per bucket
	cmd                  *exec.Cmd
	exited               chan struct{}
}

// startS3 starts versitygw (the executable bin) serving a new directory
// below work, and waits until it accepts connections.
func startS3(ctx context.Context, bin, work string) (*s3Backend, error) {
	port, err := freeport.Get()
	if err != nil {
		return nil, err
	}
	b := &s3Backend{
		endpoint:  "http://127.0.0.1:" + port,
		region:    "us-east-1",
		accessKey: "BENCH" + randomHex(6),
		secretKey: randomHex(20),
		root:      filepath.Join(work, "versitygw"),
		exited:    make(chan struct{}),
	}
	if err := os.MkdirAll(b.root, 0o700); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(work, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	b.cmd = exec.Command(bin, "--port", "127.0.0.1:"+port, "--quiet", "--region", b.region, "posix", b.root)
	b.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+b.accessKey, "ROOT_SECRET_ACCESS_KEY="+b.secretKey)
	b.cmd.Stdout, b.cmd.Stderr = logf, logf
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting versitygw (%s): %w", bin, err)
	}
	var waitErr error
	go func() { waitErr = b.cmd.Wait(); close(b.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			return b, nil
		}
		select {
		case <-b.exited:
			return nil, fmt.Errorf("versitygw exited at start: %v (see %s)", waitErr, logf.Name())
		case <-ctx.Done():
			b.stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.stop()
			return nil, fmt.Errorf("versitygw does not accept connections on port %s", port)
		}
	}
}

// stop ends versitygw.
func (b *s3Backend) stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
}

// client returns an S3 client for the backend that keeps up to conns
// connections open, with checksums only where required: what the S3 store
// uses with an endpoint of its own.
func (b *s3Backend) client(conns int) *s3.Client {
	tr := &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, IdleConnTimeout: time.Minute,
		WriteBufferSize: 64 << 10, ReadBufferSize: 64 << 10,
	}
	return s3.New(s3.Options{
		Region:                     b.region,
		BaseEndpoint:               aws.String(b.endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(b.accessKey, b.secretKey, ""),
		HTTPClient:                 &http.Client{Transport: tr},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// bucketFor names the bucket of the server run whose storage directory is
// dir.
func (b *s3Backend) bucketFor(dir string) string {
	h := fnv.New64a()
	h.Write([]byte(dir))
	return fmt.Sprintf("bench-%016x", h.Sum64())
}

// createBucket creates an empty bucket, removing what an earlier run left
// under its name.
func (b *s3Backend) createBucket(ctx context.Context, name string) error {
	if err := b.removeBucket(name); err != nil {
		return err
	}
	_, err := b.client(1).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", name, err)
	}
	return nil
}

// removeBucket deletes a bucket and its objects, straight from versitygw's
// directory, to keep the disk usage to one run's artifacts.
func (b *s3Backend) removeBucket(name string) error {
	return os.RemoveAll(filepath.Join(b.root, name))
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
