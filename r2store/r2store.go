// Package r2store is a [storage.Store] on a Cloudflare R2 bucket, through
// R2's S3-compatible API.
//
// It is an [s3store.Store] configured the way R2 needs: the endpoint derived
// from the account ID and jurisdiction, region "auto", checksums only where
// the API requires them (R2 does not take the SDK's default CRC32 trailers),
// upload parts of one fixed size (R2 requires every part but the last to be
// the same size), and static credentials only, so that AWS_* variables and
// shared profiles on the host never leak into R2 requests.
//
// Its Create (storage.Creator) is s3store's: R2 honours If-None-Match: * on
// PutObject and CompleteMultipartUpload, so a record is created once.
package r2store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/turbocache/turbocache/s3store"
)

// region is the region R2 signs requests for.
const region = "auto"

// partSize is the size of every upload part but the last, unless
// Config.PartSize says otherwise.
const partSize = 8 << 20

// Config says how to reach an R2 bucket.
type Config struct {
	// AccountID is the Cloudflare account ID (32 hexadecimal digits). It
	// is required unless Endpoint is set.
	AccountID string
	// AccessKeyID and SecretAccessKey are the S3 credentials of an R2 API
	// token. Both are required.
	AccessKeyID     string
	SecretAccessKey string
	// Bucket is the bucket that holds the artifacts.
	Bucket string
	// Jurisdiction is empty for buckets in the default jurisdiction, or
	// "eu", "fedramp" or "us" for buckets created in one; the endpoint
	// differs and the wrong one answers NoSuchBucket or 403.
	Jurisdiction string
	// Endpoint overrides the endpoint derived from AccountID and
	// Jurisdiction, for a proxy or a test server.
	Endpoint string

	// HTTPClient sends the requests; nil means the SDK's default client.
	HTTPClient *http.Client

	// Options are s3store's (Prefix, PartSize, Concurrency, Checksum,
	// UploadMemory), with R2's defaults for two of them: a zero PartSize
	// means 8 MiB, and ChecksumAuto means ChecksumWhenRequired, since R2
	// does not take the SDK's default CRC32 trailers.
	s3store.Options
}

// jurisdictions are the values Config.Jurisdiction accepts.
var jurisdictions = []string{"eu", "fedramp", "us"}

// validate checks cfg, naming the first bad field.
func (c *Config) validate() error {
	switch {
	case c.Endpoint == "" && c.AccountID == "":
		return errors.New("r2store: Config.AccountID is empty (and no Config.Endpoint is set)")
	case c.AccountID != "" && !validAccountID(c.AccountID):
		return fmt.Errorf("r2store: Config.AccountID %q is not 32 hexadecimal digits", c.AccountID)
	case c.AccessKeyID == "":
		return errors.New("r2store: Config.AccessKeyID is empty")
	case c.SecretAccessKey == "":
		return errors.New("r2store: Config.SecretAccessKey is empty")
	case c.Bucket == "":
		return errors.New("r2store: Config.Bucket is empty")
	case c.Jurisdiction != "" && !slices.Contains(jurisdictions, c.Jurisdiction):
		return fmt.Errorf("r2store: Config.Jurisdiction %q is not one of %s", c.Jurisdiction, strings.Join(jurisdictions, ", "))
	}
	return nil
}

// endpointFor returns the S3 API endpoint of an account's buckets in a
// jurisdiction ("" for the default one).
func endpointFor(accountID, jurisdiction string) string {
	if jurisdiction == "" {
		return "https://" + accountID + ".r2.cloudflarestorage.com"
	}
	return "https://" + accountID + "." + jurisdiction + ".r2.cloudflarestorage.com"
}

// s3Config returns the s3store configuration Open uses for cfg, after
// checking cfg.
func s3Config(cfg Config) (s3store.Config, error) {
	if err := cfg.validate(); err != nil {
		return s3store.Config{}, err
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = endpointFor(cfg.AccountID, cfg.Jurisdiction)
	}
	opts := cfg.Options
	if opts.PartSize == 0 {
		opts.PartSize = partSize
	}
	if opts.Checksum == s3store.ChecksumAuto {
		opts.Checksum = s3store.ChecksumWhenRequired
	}
	return s3store.Config{
		Bucket:          cfg.Bucket,
		Region:          region,
		Endpoint:        endpoint,
		UsePathStyle:    true,
		AccessKeyID:     cfg.AccessKeyID,
		SecretAccessKey: cfg.SecretAccessKey,
		HTTPClient:      cfg.HTTPClient,
		Options:         opts,
	}, nil
}

// Open checks cfg and returns a Store for its bucket. It does not contact
// R2: a wrong bucket or key shows up on the first call.
func Open(ctx context.Context, cfg Config) (*s3store.Store, error) {
	s3cfg, err := s3Config(cfg)
	if err != nil {
		return nil, err
	}
	s, err := s3store.Open(ctx, s3cfg)
	if err != nil {
		return nil, fmt.Errorf("r2store: %w", err)
	}
	return s, nil
}

func validAccountID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
