package video

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"
)

// tinyAUs are the NAL units of testdata/tiny.h264 (8 frames of 96x64,
// made once with ffmpeg's testsrc and libx264), one per access unit.
func tinyNALUs(f *testing.F) [][]byte {
	raw, err := os.ReadFile("testdata/tiny.h264")
	if err != nil {
		f.Fatal(err)
	}
	var nalus h264.AnnexB
	if err := nalus.Unmarshal(raw); err != nil {
		f.Fatal(err)
	}
	return nalus
}

// FuzzDecodeH264 feeds mutated H.264 to libavcodec through our decoder: a
// camera (or an attacker on its network) controls these bytes, and no
// input may crash the console or leak the decoder's buffers.
func FuzzDecodeH264(f *testing.F) {
	raw, err := os.ReadFile("testdata/tiny.h264")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(raw[:len(raw)/2])
	f.Add([]byte{0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x65, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var nalus h264.AnnexB
		if err := nalus.Unmarshal(data); err != nil {
			return
		}
		d, err := NewDecoder(CodecH264)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		for _, n := range nalus {
			if len(n) == 0 {
				continue
			}
			if img, err := d.Decode([][]byte{n}); err == nil && img != nil && len(img.Pix) != 4*img.Rect.Dx()*img.Rect.Dy() {
				t.Fatalf("decoded picture of %v holds %d bytes", img.Rect, len(img.Pix))
			}
		}
	})
}

// FuzzDepacketiseH264 feeds mutated RTP packets to the depacketiser the
// sources use, then what it assembles to the decoder. The input is a run of
// length-prefixed packets.
func FuzzDepacketiseH264(f *testing.F) {
	nalus := tinyNALUs(f)
	enc, err := (&format.H264{PayloadTyp: 96, PacketizationMode: 1}).CreateEncoder()
	if err != nil {
		f.Fatal(err)
	}
	var seed []byte
	for _, n := range nalus {
		pkts, err := enc.Encode([][]byte{n})
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range pkts {
			b, err := p.Marshal()
			if err != nil {
				f.Fatal(err)
			}
			seed = binary.BigEndian.AppendUint16(seed, uint16(len(b)))
			seed = append(seed, b...)
		}
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/3])
	f.Fuzz(func(t *testing.T, data []byte) {
		dp, err := (&format.H264{PayloadTyp: 96, PacketizationMode: 1}).CreateDecoder()
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDecoder(CodecH264)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		for len(data) >= 2 {
			n := int(binary.BigEndian.Uint16(data))
			data = data[2:]
			if n > len(data) {
				return
			}
			var p rtp.Packet
			if err := p.Unmarshal(data[:n]); err != nil {
				data = data[n:]
				continue
			}
			data = data[n:]
			au, err := dp.Decode(&p)
			if err != nil {
				if errors.Is(err, rtph264.ErrMorePacketsNeeded) || errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) {
					continue
				}
				continue
			}
			_, _ = d.Decode(au)
		}
	})
}
