package evidence

import (
	"time"

	"github.com/politiezone/zoneconsole/zone"
)

// Format names the layout of an export folder and its manifest.
const Format = "zoneconsole-evidence/1"

// The fixed files of an export folder, beside the clips.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
	KeyFile       = "export-key.pem"
	ReadmeFile    = "README.txt"
	SumsFile      = "SHA256SUMS"
)

// Manifest is manifest.json. Its exact bytes are what manifest.sig signs.
type Manifest struct {
	Format        string    `json:"format"`
	Created       time.Time `json:"created"`
	Console       string    `json:"console"`
	ExportedBy    string    `json:"exported_by"`
	Justification string    `json:"justification"`
	Case          string    `json:"case"`
	Authorisation string    `json:"authorisation,omitempty"`
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	// PublicKey is the raw Ed25519 key (base64) that signs this manifest,
	// the same as export-key.pem holds.
	PublicKey string        `json:"public_key"`
	Cameras   []CameraEntry `json:"cameras"`
	// Files are every file of the folder the manifest vouches for (the
	// clips and the README), with their SHA-256 and size.
	Files []FileEntry `json:"files"`
}

// CameraEntry is one camera of an export.
type CameraEntry struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Masked bool        `json:"masked"`
	Masks  []zone.Mask `json:"masks,omitempty"`
	Clips  []ClipEntry `json:"clips"`
	// Segments are the recorded files the clips were cut from, as the
	// recording index holds them (SHA-256 and chain hash).
	Segments []SegmentEntry `json:"segments"`
	// Gaps are periods in [from, to) without footage: the clip holds the
	// frame before a gap for as long as the gap lasts.
	Gaps []Period `json:"gaps,omitempty"`
	// Unreadable are segments in the period that could not be read.
	Unreadable []Unreadable `json:"unreadable,omitempty"`
}

// ClipEntry is one MP4 file of a camera: one per run of footage with the
// same stream parameters (a resolution change starts the next one).
type ClipEntry struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	// Start is the clip's real start: the keyframe at or before the
	// requested from (a clip cannot start between keyframes without
	// re-encoding), LeadMS before it for the first clip.
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	LeadMS    int64     `json:"lead_ms"`
	Frames    int       `json:"frames"`
	Codec     string    `json:"codec"`
	Reencoded bool      `json:"reencoded"`
	// Undecodable counts source frames of a masked clip the decoder could
	// not read: the frame before is held in their place.
	Undecodable int `json:"undecodable,omitempty"`
}

// SegmentEntry is one source segment.
type SegmentEntry struct {
	Path   string    `json:"path"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Bytes  int64     `json:"bytes"`
	SHA256 string    `json:"sha256"`
	Seq    int64     `json:"seq"`
	Chain  string    `json:"chain"`
}

// Unreadable is a source segment that could not be read, and why.
type Unreadable struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// Period is a span of time.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// FileEntry is one file the manifest vouches for.
type FileEntry struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}
