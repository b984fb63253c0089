package main

import (
	"log/slog"

	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// logUploadMemory says how much memory the uploads to an S3 or R2 bucket
// may hold together (S3_UPLOAD_MEMORY, R2_UPLOAD_MEMORY), so that the
// figure to size a container by is in the log.
func logUploadMemory(logger *slog.Logger, store storage.Store) {
	if s, ok := store.(*s3store.Store); ok {
		logger.Info("uploads share one memory budget", "upload_memory", s.UploadMemory())
	}
}
