// Package s3store is a [storage.Store] on Amazon S3 or any S3-compatible
// server, built on the AWS SDK for Go v2.
//
// Each artifact is one object named by the store's optional key prefix and
// the artifact's key; its [storage.Metadata] travels as S3 user metadata
// (lower-case names, a few hundred bytes, well under S3's 2 KB limit). Puts
// stream: the body is uploaded in parts of Config.PartSize bytes, at most
// Config.Concurrency at a time, read into buffers that every Put of the
// Store shares: one upload memory budget (Config.UploadMemory, 64 MiB by
// default). When the budget is used up, a Put waits for a buffer, so the
// memory held for uploads does not grow with their number. A body of known
// size below one part is streamed to S3 without a buffer over HTTPS. A
// failed or cancelled Put leaves no object and aborts its multipart upload.
//
// Open builds a client from a [Config]; New wraps an *s3.Client that a
// program already has. The Store also implements [storage.Lister], so
// [storage.Sweep] can expire old artifacts, and [storage.Creator], with S3's
// conditional writes (If-None-Match: *), which versitygw, Amazon S3 and R2
// honour; a server that ignores the header would let Create replace an
// object.
package s3store
