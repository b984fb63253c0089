package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// config is everything the server reads from its environment.
type config struct {
	// Host is the address to listen on (HOST, default 127.0.0.1: reachable
	// from this machine only; set 0.0.0.0 to serve others).
	Host string
	// Port is the TCP port (PORT, default 3000).
	Port string
	// StorageDir holds the artifacts (STORAGE_DIR, default
	// <user cache dir>/turbocache/artifacts).
	StorageDir string
	// Token is the bearer token clients must send (TURBO_TOKEN). When it is
	// unset, a random one is generated for this run.
	Token string
	// TokenGenerated says that Token was generated, not configured.
	TokenGenerated bool
}

// loadConfig reads the configuration through getenv (os.Getenv in main).
func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{
		Host:       getenv("HOST"),
		Port:       getenv("PORT"),
		StorageDir: getenv("STORAGE_DIR"),
		Token:      getenv("TURBO_TOKEN"),
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == "" {
		cfg.Port = "3000"
	}
	if p, err := strconv.ParseUint(cfg.Port, 10, 16); err != nil {
		return cfg, fmt.Errorf("PORT=%q is not a TCP port number", cfg.Port)
	} else if p == 0 {
		cfg.Port = "0" // any free port, for tests
	}
	if cfg.StorageDir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return cfg, fmt.Errorf("no STORAGE_DIR set and no user cache directory: %w", err)
		}
		cfg.StorageDir = filepath.Join(cache, "turbocache", "artifacts")
	}
	if cfg.Token == "" {
		cfg.Token, cfg.TokenGenerated = rand.Text(), true
	}
	return cfg, nil
}
