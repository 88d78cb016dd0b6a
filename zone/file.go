package zone

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// maxZoneFile bounds what LoadZone reads: a zone of a few hundred cameras is
// some hundred kilobytes, and a mistaken path (a video, /dev/zero) must not
// fill the memory.
const maxZoneFile = 16 << 20

// LoadZone reads and validates a zone file. A refusal names the line and
// the reason of every problem (errors.As gives a *ValidationError).
func LoadZone(path string) (Zone, error) {
	f, err := os.Open(path)
	if err != nil {
		return Zone{}, fmt.Errorf("zone file %s: %w", path, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxZoneFile+1)); err != nil {
		return Zone{}, fmt.Errorf("zone file %s: %w", path, err)
	}
	if buf.Len() > maxZoneFile {
		return Zone{}, fmt.Errorf("zone file %s: larger than %d bytes", path, maxZoneFile)
	}
	z, err := ParseZone(buf.Bytes())
	if err != nil {
		return Zone{}, fmt.Errorf("zone file %s: %w", path, err)
	}
	return z, nil
}

// ParseZone decodes and validates the text of a zone file; problems carry
// the line of the key or table they are about.
func ParseZone(src []byte) (Zone, error) {
	var z Zone
	md, err := toml.Decode(string(src), &z)
	if err != nil {
		return Zone{}, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return Zone{}, fmt.Errorf("unknown keys: %s", strings.Join(keys, ", "))
	}
	if err := z.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			lines := indexLines(src)
			for i := range ve.Problems {
				ve.Problems[i].Line = lines.find(ve.Problems[i].at)
			}
		}
		return Zone{}, err
	}
	return z, nil
}

// SaveZone writes the zone file atomically: a temporary file in the same
// directory, synced, renamed over the old one, and the directory synced, so
// a crash or a full disk leaves either the old file or the new one. The file
// is 0644 whatever the umask: the zone file is meant to be read in review
// (it holds no password; those are in the credential store).
func SaveZone(path string, z Zone) error {
	if err := z.Validate(); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := toml.NewEncoder(f).Encode(z); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	// The rename is durable only once the directory entry is on disk.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("zone file %s: sync directory: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("zone file %s: sync directory: %w", path, err)
	}
	return nil
}
