package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheckTimeout bounds one `turbocache healthcheck`, below the image's
// HEALTHCHECK timeout so that a hung server is reported, not waited on.
const healthcheckTimeout = 4 * time.Second

// healthcheck is the `turbocache healthcheck` mode: it asks the server that
// the same environment configures (HOST, PORT, TLS_CERT_FILE) for /healthz,
// and reports through its exit status, 0 when the answer is 200 and 1
// otherwise. It lets an image without a shell or curl have a HEALTHCHECK.
func healthcheck(ctx context.Context, lookup func(string) (string, bool), stderr io.Writer) int {
	env := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	url := healthcheckURL(env("HOST"), or(env("PORT"), "3000"), env("TLS_CERT_FILE") != "")
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "turbocache healthcheck: %s: %v\n", url, err)
		return 1
	}
	client := &http.Client{Transport: &http.Transport{
		// The check asks this machine's own listener whether it answers;
		// the certificate names the service, rarely the loopback address,
		// so it is not verified here.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		Proxy:           nil,
	}}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "turbocache healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "turbocache healthcheck: %s answered %s\n", url, resp.Status)
		return 1
	}
	return 0
}

// healthcheckURL is the /healthz URL of a server listening on host and
// port: a wildcard address (0.0.0.0, ::, or none) is reached on loopback.
func healthcheckURL(host, port string, tls bool) string {
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::", "[::]":
		host = "::1"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(strings.Trim(host, "[]"), port) + "/healthz"
}
