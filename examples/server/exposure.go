package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
)

// tlsConfigured reports whether the server terminates TLS itself. It is the
// one place that decides it: the warning about clear text below asks it,
// and so should anything else that depends on it.
func tlsConfigured(cfg config) bool {
	_ = cfg // no TLS variables yet: a proxy in front terminates TLS
	return false
}

// beyondLoopback reports whether addr, the listener's address, can be
// reached from other machines: any address but a loopback one (0.0.0.0 and
// :: included).
func beyondLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return !ok || !tcp.IP.IsLoopback()
}

// isTerminal reports whether w is a character device, which for standard
// output means a terminal (or /dev/null), and not the pipe, file or socket
// that Docker, systemd and log collectors read.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// errNoToken refuses to start with a generated token that nobody can read,
// on an address that other machines reach.
var errNoToken = errors.New("no token configured, standard output is not a terminal to show a generated one, " +
	"and the server listens beyond loopback: set TURBO_TOKEN (for example to the output of `openssl rand -hex 24`), " +
	"TURBO_READ_ONLY_TOKENS or TURBO_TOKEN_FILE")

// checkExposure fails when the server would start reachable from other
// machines with a generated token it cannot show.
func checkExposure(cfg config, addr net.Addr, stdout io.Writer) error {
	if cfg.TokenGenerated && !isTerminal(stdout) && beyondLoopback(addr) {
		return errNoToken
	}
	return nil
}

// announce prints the generated token and a turbo command line that uses
// it, on stdout and only when stdout is a terminal, since elsewhere it is
// the log stream; and it logs, once, what the configuration leaves open.
func announce(cfg config, addr net.Addr, url string, stdout io.Writer, log *slog.Logger) {
	if cfg.TokenGenerated {
		if isTerminal(stdout) {
			fmt.Fprintf(stdout, "No TURBO_TOKEN set; this run accepts the token %s\n", cfg.Tokens[0])
			fmt.Fprintf(stdout, "Use the cache with:\n\n  turbo run build --api=%s --token=%s --team=my-team\n\n", url, cfg.Tokens[0])
			nxBanner(stdout, cfg, url, cfg.Tokens[0])
		} else {
			log.Warn("no token configured, and standard output is not a terminal, so the token generated for this run is not shown: " +
				"set TURBO_TOKEN (for example to the output of `openssl rand -hex 24`), TURBO_READ_ONLY_TOKENS or TURBO_TOKEN_FILE")
		}
	}
	if beyondLoopback(addr) && !tlsConfigured(cfg) {
		log.Warn("serving beyond loopback without TLS: tokens and artifacts cross the network in clear; put a TLS-terminating proxy in front",
			"addr", addr.String())
	}
	if cfg.MetricsToken == "" {
		log.Info("metrics are open: GET /metrics needs no token; set METRICS_TOKEN to require one")
	}
	if cfg.TokenFile != "" && runtime.GOOS != "windows" {
		if fi, err := os.Stat(cfg.TokenFile); err == nil && fi.Mode().Perm()&0o077 != 0 {
			log.Warn("TURBO_TOKEN_FILE can be read or written by other users than its owner; make it private (chmod 600)",
				"file", cfg.TokenFile, "mode", fi.Mode().Perm().String())
		}
	}
}
