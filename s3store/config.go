package s3store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultRegion is the region used when Config.Region is empty.
const DefaultRegion = "us-east-1"

// Config says how to reach a bucket. Only Bucket is required.
type Config struct {
	// Bucket is the bucket that holds the artifacts.
	Bucket string
	// Region is the bucket's region; empty means DefaultRegion.
	Region string
	// Endpoint is the base URL of an S3-compatible server, such as
	// https://s3.example.com:9000. Empty means Amazon S3.
	Endpoint string
	// UsePathStyle addresses the bucket in the URL path
	// (endpoint/bucket/key) rather than as a host name
	// (bucket.endpoint/key). Most S3-compatible servers need it.
	UsePathStyle bool

	// AccessKeyID and SecretAccessKey are static credentials, with an
	// optional SessionToken. When both are empty, the SDK's default chain
	// is used: AWS_* environment variables, shared profiles, then the
	// role of the container or instance.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string

	// HTTPClient sends the requests; nil means the SDK's default client.
	// Set it to trust a private certificate authority, for example.
	HTTPClient *http.Client

	// Options tune the Store, as for New: prefix, part size, concurrency,
	// checksums and upload memory. Options.Checksum ChecksumAuto, the zero
	// value, keeps the SDK's default for Amazon S3 and means
	// ChecksumWhenRequired with an Endpoint.
	Options
}

// validate checks the fields Open cannot fix, naming the first bad one.
func (c *Config) validate() error {
	switch {
	case c.Bucket == "":
		return errors.New("s3store: Config.Bucket is empty")
	case strings.ContainsAny(c.Bucket, "/ "):
		return fmt.Errorf("s3store: Config.Bucket %q is not a bucket name", c.Bucket)
	case (c.AccessKeyID == "") != (c.SecretAccessKey == ""):
		return errors.New("s3store: Config.AccessKeyID and Config.SecretAccessKey must be set together")
	case c.SessionToken != "" && c.AccessKeyID == "":
		return errors.New("s3store: Config.SessionToken needs Config.AccessKeyID and Config.SecretAccessKey")
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil {
			return fmt.Errorf("s3store: Config.Endpoint %q: %w", c.Endpoint, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("s3store: Config.Endpoint %q is not an http:// or https:// URL", c.Endpoint)
		}
	}
	return c.options().validate("Config")
}

// options returns the store options the config carries, with ChecksumAuto
// resolved for the endpoint.
func (c *Config) options() *Options {
	o := c.Options
	o.Checksum = c.checksum()
	return &o
}

// checksum resolves ChecksumAuto for the endpoint.
func (c *Config) checksum() ChecksumMode {
	if c.Checksum == ChecksumAuto && c.Endpoint != "" {
		return ChecksumWhenRequired
	}
	return c.Checksum
}

// Open checks cfg and returns a Store for its bucket. It does not contact
// the server: a wrong bucket or key shows up on the first call.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	awsCfg := aws.Config{Region: region}
	if cfg.AccessKeyID != "" {
		// Static keys: nothing from the environment or profiles applies.
		awsCfg.Credentials = credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)
	} else {
		loaded, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return nil, fmt.Errorf("s3store: load the default AWS configuration: %w", err)
		}
		awsCfg = loaded
	}
	if cfg.HTTPClient != nil {
		awsCfg.HTTPClient = cfg.HTTPClient
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.UsePathStyle
	})
	return New(client, cfg.Bucket, cfg.options())
}
