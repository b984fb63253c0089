package main

import (
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// goMemoryHeadroom is the memory the Go runtime may manage beside the
// upload budget (connections, the rest of the heap, the collector's
// slack): 24 MiB, so that with the program's own pages (about 15 MiB) the
// process stays within the budget plus 40 MiB.
const goMemoryHeadroom = 24 << 20

// logUploadMemory says how much memory the uploads to an S3 or R2 bucket
// may hold together (S3_UPLOAD_MEMORY, R2_UPLOAD_MEMORY), so that the
// figure to size a container by is in the log. Unless GOMEMLIMIT is set, it
// also sets the runtime's soft memory limit to the budget plus
// goMemoryHeadroom: the budget's buffers are live memory, and the garbage
// collector would otherwise let garbage grow as large as they are.
func logUploadMemory(logger *slog.Logger, store storage.Store) {
	s, ok := store.(*s3store.Store)
	if !ok {
		return
	}
	limit := "GOMEMLIMIT"
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(s.UploadMemory() + goMemoryHeadroom)
		limit = "the budget + 24 MiB"
	}
	logger.Info("uploads share one memory budget", "upload_memory", s.UploadMemory(), "memory_limit", limit)
}
