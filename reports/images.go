package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/politiezone/zoneconsole/anpr"
)

// maxImage bounds one image read into the report; a passage image is tens
// of kilobytes, so anything far larger is not one.
const maxImage = 8 << 20

// passageImage is one passage image as a data: URI: the image itself when
// the console loaded it, else the stored file its hash names. The stored
// file is checked against that hash, so the report never shows another
// car's picture under this passage; what cannot be shown is said as a
// problem, and the report is still made.
func passageImage(img image.Image, sha string, file func(string) string, p anpr.Passage, which string) (string, []string) {
	if img != nil {
		uri, err := imageURI(img)
		if err != nil {
			return "", []string{fmt.Sprintf("passage %d (%s) %s image: %v", p.ID, p.Plate, which, err)}
		}
		return uri, nil
	}
	if sha == "" {
		return "", nil // the passage has none
	}
	if file == nil {
		return "", []string{fmt.Sprintf("passage %d (%s) %s image: no image store given", p.ID, p.Plate, which)}
	}
	uri, err := fileURI(file(sha), sha)
	if err != nil {
		return "", []string{fmt.Sprintf("passage %d (%s) %s image: %v", p.ID, p.Plate, which, err)}
	}
	return uri, nil
}

// imageURI encodes img as a JPEG data: URI (the format the store keeps).
func imageURI(img image.Image) (string, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return dataURI("image/jpeg", b.Bytes()), nil
}

// fileURI reads a stored image, checks it against its SHA-256 (hex; ""
// skips the check) and returns it as a data: URI of its sniffed type.
func fileURI(path, sha string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(io.LimitReader(f, maxImage+1)); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if b.Len() > maxImage {
		return "", fmt.Errorf("%s: larger than %d bytes", path, maxImage)
	}
	if sha != "" {
		sum := sha256.Sum256(b.Bytes())
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, sha) {
			return "", fmt.Errorf("%s: SHA-256 %s, the passage names %s", path, got, sha)
		}
	}
	ct := http.DetectContentType(b.Bytes())
	if !strings.HasPrefix(ct, "image/") {
		return "", fmt.Errorf("%s: not an image (%s)", path, ct)
	}
	return dataURI(ct, b.Bytes()), nil
}

func dataURI(ct string, b []byte) string {
	return "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(b)
}
