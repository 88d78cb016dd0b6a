package evidence

import (
	"fmt"
	"strings"
	"time"
)

// readmeText is README.txt: what the folder holds and how to check it with
// two standard tools, so that no one needs our software to trust it.
func readmeText(m Manifest, pemBytes []byte) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("Camera footage export - case %s", m.Case)
	w("")
	w("Period:      %s to %s (UTC)", m.From.Format(time.RFC3339Nano), m.To.Format(time.RFC3339Nano))
	w("Exported by: %s on console %s at %s", m.ExportedBy, m.Console, m.Created.Format(time.RFC3339))
	if m.Authorisation != "" {
		w("Authorisation: %s", m.Authorisation)
	}
	w("")
	w("Files:")
	for _, c := range m.Cameras {
		for _, cl := range c.Clips {
			how := "as recorded (remuxed, not re-encoded)"
			if cl.Reencoded {
				how = "re-encoded with the privacy masks blacked out"
			}
			w("  %-24s camera %s (%s), %s", cl.File, c.ID, c.Name, how)
		}
	}
	w("  %-24s what was exported, by whom, why, and the SHA-256 of every file", ManifestFile)
	w("  %-24s Ed25519 signature over the exact bytes of %s", SignatureFile, ManifestFile)
	w("  %-24s the public key of that signature", KeyFile)
	w("  %-24s SHA-256 of the files, for sha256sum", SumsFile)
	w("")
	w("A clip cannot start between two keyframes without re-encoding, so each")
	w("starts at the keyframe at or before the requested start: \"start\" and")
	w("\"lead_ms\" in %s give the clip's real start. Periods without", ManifestFile)
	w("footage are listed as \"gaps\"; the frame before a gap is held over it.")
	w("")
	w("How to check this folder without our software (in this folder):")
	w("")
	w("1. The files are the ones the manifest lists (every line must end in OK):")
	w("     sha256sum -c %s", SumsFile)
	w("2. The manifest is the one the export key signed")
	w("   (it must print \"Signature Verified Successfully\"):")
	w("     openssl pkeyutl -verify -pubin -inkey %s -rawin -in %s -sigfile %s", KeyFile, ManifestFile, SignatureFile)
	w("3. The export key is the police zone's: compare its fingerprint")
	w("     openssl pkey -pubin -in %s -outform DER | sha256sum", KeyFile)
	w("   with the one the zone publishes. This key's fingerprint is:")
	if pub, err := ParsePublicKeyPEM(pemBytes); err == nil {
		w("     %s", Fingerprint(pub))
	}
	w("4. The SHA-256 of each clip in %s (\"files\") matches the clip;", ManifestFile)
	w("   the source segments and their SHA-256 are those of the recording index.")
	return b.String()
}
