package usage

// Counts is what one team did with one protocol over some time.
type Counts struct {
	// Hits and Misses are the lookups the server answered: Gets of
	// artifacts that were, or were not, stored.
	Hits   int64 `json:"hits,omitzero"`
	Misses int64 `json:"misses,omitzero"`
	// ReportedHits and ReportedMisses are the REMOTE HIT and MISS events
	// clients reported.
	ReportedHits   int64 `json:"reportedHits,omitzero"`
	ReportedMisses int64 `json:"reportedMisses,omitzero"`
	// SavedMillis is the sum of the durations of REMOTE HIT events: the
	// task time the hits saved, in milliseconds.
	SavedMillis int64 `json:"savedMillis,omitzero"`
	// Uploads counts the artifacts stored; UploadedBytes their bytes.
	Uploads       int64 `json:"uploads,omitzero"`
	UploadedBytes int64 `json:"uploadedBytes,omitzero"`
	// DownloadedBytes counts the bytes of artifacts sent to clients.
	DownloadedBytes int64 `json:"downloadedBytes,omitzero"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Hits += o.Hits
	c.Misses += o.Misses
	c.ReportedHits += o.ReportedHits
	c.ReportedMisses += o.ReportedMisses
	c.SavedMillis += o.SavedMillis
	c.Uploads += o.Uploads
	c.UploadedBytes += o.UploadedBytes
	c.DownloadedBytes += o.DownloadedBytes
}

// IsZero reports whether nothing was counted.
func (c Counts) IsZero() bool { return c == Counts{} }

// Protocols is what one team did with each protocol.
type Protocols struct {
	Turbo Counts `json:"turbo,omitzero"`
	Nx    Counts `json:"nx,omitzero"`
}

// Add adds o to p.
func (p *Protocols) Add(o Protocols) {
	p.Turbo.Add(o.Turbo)
	p.Nx.Add(o.Nx)
}

// Summary is what is shown of some Protocols: hits and misses counted once
// (see the package documentation), summed over the protocols.
type Summary struct {
	Hits            int64 `json:"hits"`
	Misses          int64 `json:"misses"`
	SavedMillis     int64 `json:"savedMillis"`
	Uploads         int64 `json:"uploads"`
	UploadedBytes   int64 `json:"uploadedBytes"`
	DownloadedBytes int64 `json:"downloadedBytes"`
	// NxHits is the part of Hits made by Nx.
	NxHits int64 `json:"nxHits"`
}

// Summary returns what is shown of p. Apply it to counts summed over
// replicas, never sum the summaries of replicas: the larger of two sums is
// not the sum of the larger ones.
func (p Protocols) Summary() Summary {
	t, n := p.Turbo, p.Nx
	s := Summary{
		Hits:            max(t.Hits, t.ReportedHits) + max(n.Hits, n.ReportedHits),
		Misses:          max(t.Misses, t.ReportedMisses) + max(n.Misses, n.ReportedMisses),
		SavedMillis:     t.SavedMillis + n.SavedMillis,
		Uploads:         t.Uploads + n.Uploads,
		UploadedBytes:   t.UploadedBytes + n.UploadedBytes,
		DownloadedBytes: t.DownloadedBytes + n.DownloadedBytes,
		NxHits:          max(n.Hits, n.ReportedHits),
	}
	return s
}

// add adds o to s.
func (s *Summary) add(o Summary) {
	s.Hits += o.Hits
	s.Misses += o.Misses
	s.SavedMillis += o.SavedMillis
	s.Uploads += o.Uploads
	s.UploadedBytes += o.UploadedBytes
	s.DownloadedBytes += o.DownloadedBytes
	s.NxHits += o.NxHits
}

// HitRate is Hits over the lookups, 0 without lookups.
func (s Summary) HitRate() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}
