package r2store

// What the tests check of Open's configuration, without making it API.
var (
	S3Config    = s3Config
	EndpointFor = endpointFor
)

const (
	PartSize = partSize
	Region   = region
)
