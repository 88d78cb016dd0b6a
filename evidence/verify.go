package evidence

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kind is what a Difference is.
type Kind int

// The differences Verify finds.
const (
	ChangedFile     Kind = iota + 1 // a file's SHA-256 or size is not the manifest's
	ChangedManifest                 // manifest.json (or manifest.sig) is not what the key signed, or unreadable
	MissingFile                     // a file the export must hold is not there
	ExtraFile                       // a file the export never held
	OtherKey                        // signed by another key than the trusted one, or than the manifest names
	ChangedSums                     // SHA256SUMS disagrees with the manifest
)

func (k Kind) String() string {
	switch k {
	case ChangedFile:
		return "changed file"
	case ChangedManifest:
		return "changed manifest"
	case MissingFile:
		return "missing file"
	case ExtraFile:
		return "extra file"
	case OtherKey:
		return "signed by another key"
	case ChangedSums:
		return "changed SHA256SUMS"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Difference is one way the folder is not what was exported.
type Difference struct {
	Kind   Kind
	File   string
	Detail string
}

func (d Difference) String() string { return fmt.Sprintf("%s: %s: %s", d.Kind, d.File, d.Detail) }

// Report is what Verify found.
type Report struct {
	Dir         string
	Manifest    *Manifest // nil when manifest.json could not be read
	Differences []Difference
}

// Intact tells whether no difference was found.
func (r Report) Intact() bool { return len(r.Differences) == 0 }

// ExitCode is the exit status of `export verify`: 0 intact, 1 with
// differences.
func (r Report) ExitCode() int {
	if r.Intact() {
		return 0
	}
	return 1
}

func (r *Report) add(k Kind, file, f string, a ...any) {
	r.Differences = append(r.Differences, Difference{Kind: k, File: file, Detail: fmt.Sprintf(f, a...)})
}

// Verify checks the export folder dir and names every difference: each file
// against the manifest's SHA-256 and size, the signature with the key in
// export-key.pem, that key against the manifest's and, when trusted is
// given, against trusted (without it, a folder re-signed by someone else
// with their own key cannot be told apart: trust comes from outside the
// folder). SHA256SUMS is checked against the manifest, never trusted. The
// error is for a folder that cannot be listed at all.
func Verify(dir string, trusted ed25519.PublicKey) (Report, error) {
	rep := Report{Dir: dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	present := map[string]bool{}
	for _, e := range entries {
		present[e.Name()] = true
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				rep.add(MissingFile, name, "not in the folder")
			} else {
				rep.add(ChangedFile, name, "unreadable: %v", err)
			}
			return nil
		}
		return b
	}
	body, sig, keyPEM := read(ManifestFile), read(SignatureFile), read(KeyFile)
	var pub ed25519.PublicKey
	if keyPEM != nil {
		if pub, err = ParsePublicKeyPEM(keyPEM); err != nil {
			rep.add(ChangedFile, KeyFile, "not an Ed25519 public key: %v", err)
		}
	}
	if pub != nil && trusted != nil && !pub.Equal(trusted) {
		rep.add(OtherKey, KeyFile, "key %s is not the trusted export key %s", Fingerprint(pub), Fingerprint(trusted))
	}
	if body != nil && sig != nil && pub != nil && !ed25519.Verify(pub, body, sig) {
		rep.add(ChangedManifest, ManifestFile, "the signature in %s does not verify with %s", SignatureFile, KeyFile)
	}
	expected := map[string]bool{ManifestFile: true, SignatureFile: true, KeyFile: true, SumsFile: true, ReadmeFile: true}
	if body != nil {
		var m Manifest
		if err := json.Unmarshal(body, &m); err != nil || m.Format != Format {
			rep.add(ChangedManifest, ManifestFile, "not a %s manifest: %v", Format, err)
		} else {
			rep.Manifest = &m
			if pub != nil && base64.StdEncoding.EncodeToString(pub) != m.PublicKey {
				rep.add(OtherKey, KeyFile, "the manifest names another signing key")
			}
			for _, f := range m.Files {
				expected[f.Name] = true
				checkFile(&rep, dir, f)
			}
			checkSums(&rep, dir, m, body)
		}
	}
	var extra []string
	for name := range present {
		if !expected[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		rep.add(ExtraFile, name, "not part of the export")
	}
	return rep, nil
}

// checkFile compares one file with its manifest entry.
func checkFile(rep *Report, dir string, f FileEntry) {
	if strings.ContainsAny(f.Name, `/\`) || f.Name == ".." || f.Name == "." {
		rep.add(ChangedManifest, ManifestFile, "file name %q is not in the folder", f.Name)
		return
	}
	sum, n, err := hashFile(filepath.Join(dir, f.Name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		rep.add(MissingFile, f.Name, "listed in the manifest, not in the folder")
	case err != nil:
		rep.add(ChangedFile, f.Name, "unreadable: %v", err)
	case n != f.Bytes || sum != f.SHA256:
		rep.add(ChangedFile, f.Name, "SHA-256 %s (%d bytes), manifest %s (%d bytes)", sum, n, f.SHA256, f.Bytes)
	}
}

// checkSums holds SHA256SUMS to the manifest: it must list exactly the
// manifest's files and manifest.json, with their hashes.
func checkSums(rep *Report, dir string, m Manifest, body []byte) {
	b, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			rep.add(MissingFile, SumsFile, "not in the folder")
		} else {
			rep.add(ChangedFile, SumsFile, "unreadable: %v", err)
		}
		return
	}
	mh := sha256.Sum256(body)
	want := map[string]string{ManifestFile: hex.EncodeToString(mh[:])}
	for _, f := range m.Files {
		want[f.Name] = f.SHA256
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			rep.add(ChangedSums, SumsFile, "line %q is not a sha256sum line", sc.Text())
			continue
		}
		got[name] = sum
	}
	for name, sum := range want {
		if g, ok := got[name]; !ok {
			rep.add(ChangedSums, SumsFile, "%s not listed", name)
		} else if g != sum {
			rep.add(ChangedSums, SumsFile, "%s listed as %s, the manifest says %s", name, g, sum)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			rep.add(ChangedSums, SumsFile, "%s listed, not in the manifest", name)
		}
	}
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
