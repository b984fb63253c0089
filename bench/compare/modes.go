package main

import (
	"strconv"
)

// The modes of the comparison (-mode).
const (
	// modeLocal compares the servers on local directories.
	modeLocal = "local"
	// modeS3 compares the servers on one S3 server (versitygw), with a
	// bare S3 client moving the same bytes as the floor.
	modeS3 = "s3"
	// modeTier measures the server with a local disk tier in front of S3
	// (LOCAL_CACHE_DIR) against the same server on the local directory
	// alone and on S3 alone, and the peer on S3.
	modeTier = "tier"
)

// s3Servers are the servers of the S3 mode, in table order: this
// project's server on S3, the peer on S3, and the bare client.
func (cfg config) s3Servers(b *s3Backend) []server {
	list := []server{cfg.oursOnS3("turbocache-s3", b)}
	if cfg.peer != "" {
		list = append(list, cfg.peerOnS3(b))
	}
	return append(list, server{name: "bare-sdk", s3: b, bare: true})
}

// tierServers are the servers of the tier mode, in table order.
func (cfg config) tierServers(b *s3Backend) []server {
	tier := cfg.oursOnS3("turbocache-tier", b)
	s3env := tier.command
	tier.command = func(port, dir, token string) ([]string, []string) {
		argv, env := s3env(port, dir, token)
		return argv, append(env, "LOCAL_CACHE_DIR="+dir, "LOCAL_CACHE_MAX_SIZE="+cfg.tierMaxSize)
	}
	local := server{name: "turbocache-dir", command: func(port, dir, token string) ([]string, []string) {
		return []string{cfg.ours}, []string{"HOST=127.0.0.1", "PORT=" + port, "STORAGE_DIR=" + dir, "TURBO_TOKEN=" + token}
	}}
	list := []server{tier, local, cfg.oursOnS3("turbocache-s3", b)}
	if cfg.peer != "" {
		list = append(list, cfg.peerOnS3(b))
	}
	return list
}

// oursOnS3 is this project's server storing in a bucket of b.
func (cfg config) oursOnS3(name string, b *s3Backend) server {
	return server{name: name, s3: b, command: func(port, dir, token string) ([]string, []string) {
		return []string{cfg.ours}, []string{"HOST=127.0.0.1", "PORT=" + port, "TURBO_TOKEN=" + token,
			"S3_ENDPOINT=" + b.endpoint, "S3_REGION=" + b.region, "S3_FORCE_PATH_STYLE=true",
			"S3_ACCESS_KEY_ID=" + b.accessKey, "S3_SECRET_ACCESS_KEY=" + b.secretKey,
			"S3_BUCKET_NAME=" + b.bucketFor(dir)}
	}}
}

// peerOnS3 is the peer storing in a bucket of b (it always addresses
// buckets by path).
func (cfg config) peerOnS3(b *s3Backend) server {
	return server{name: "peer-s3", s3: b, command: func(port, dir, token string) ([]string, []string) {
		return []string{cfg.node, cfg.peer}, []string{"NODE_ENV=production", "HOST=127.0.0.1", "PORT=" + port,
			"TURBO_TOKEN=" + token, "LOG_LEVEL=warn",
			"STORAGE_PROVIDER=s3", "STORAGE_PATH=" + b.bucketFor(dir),
			"S3_ACCESS_KEY=" + b.accessKey, "S3_SECRET_KEY=" + b.secretKey,
			"S3_ENDPOINT=" + b.endpoint, "S3_REGION=" + b.region,
			"BODY_LIMIT=" + strconv.Itoa(2*cfg.sizes.Large+(1<<20))}
	}}
}
