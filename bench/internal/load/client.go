// Package load drives a Turborepo remote-cache server over HTTP with the
// benchmark workloads, and measures throughput and latency. Every GET's
// body is checked against the SHA-256 of what was uploaded.
package load

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Target is the server a Client talks to.
type Target struct {
	// URL is the server's base URL, such as http://127.0.0.1:3000.
	URL string
	// Token is sent as a bearer token when not empty.
	Token string
	// Team is sent as the slug query parameter. Empty means "bench".
	Team string
}

// Client sends artifact requests to one Target over keep-alive connections.
type Client struct {
	target Target
	http   *http.Client
}

// NewClient returns a Client that keeps up to conns connections open.
func NewClient(t Target, conns int) *Client {
	if t.Team == "" {
		t.Team = "bench"
	}
	t.URL = strings.TrimSuffix(t.URL, "/")
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		WriteBufferSize:     64 << 10,
		ReadBufferSize:      64 << 10,
		IdleConnTimeout:     time.Minute,
	}
	return &Client{target: t, http: &http.Client{Transport: tr}}
}

// Target returns the server the Client talks to, with its defaults filled
// in.
func (c *Client) Target() Target { return c.target }

// Close closes the Client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

func (c *Client) url(hash string) string {
	return c.target.URL + "/v8/artifacts/" + hash + "?slug=" + c.target.Team
}

// Put uploads body under hash and reports how long the request took.
func (c *Client) Put(ctx context.Context, hash string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.url(hash), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("x-artifact-duration", "1234")
	c.auth(req)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("PUT %s: %w", hash, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	d := time.Since(start)
	if resp.StatusCode/100 != 2 {
		return d, fmt.Errorf("PUT %s: %s", hash, resp.Status)
	}
	return d, nil
}

// Get downloads the artifact under hash into buf, which must be exactly as
// long as the artifact, and reports how long the request took. It fails
// when the body is shorter or longer than buf; Verify checks its content.
func (c *Client) Get(ctx context.Context, hash string, buf []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(hash), nil)
	if err != nil {
		return 0, err
	}
	c.auth(req)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", hash, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return time.Since(start), fmt.Errorf("GET %s: %s", hash, resp.Status)
	}
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		return time.Since(start), fmt.Errorf("GET %s: reading %d bytes: %w", hash, len(buf), err)
	}
	var probe [1]byte
	if n, _ := io.ReadFull(resp.Body, probe[:]); n != 0 {
		return time.Since(start), fmt.Errorf("GET %s: body longer than %d bytes", hash, len(buf))
	}
	return time.Since(start), nil
}

// Verify checks that body's SHA-256 is want. The workloads call it after
// their clock has stopped, so that checking costs no throughput.
func Verify(hash string, body []byte, want [sha256.Size]byte) error {
	if sha256.Sum256(body) != want {
		return fmt.Errorf("GET %s: the body's SHA-256 differs from the upload's", hash)
	}
	return nil
}

func (c *Client) auth(req *http.Request) {
	if c.target.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.target.Token)
	}
}
