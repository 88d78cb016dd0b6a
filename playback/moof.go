package playback

import (
	"encoding/binary"
	"fmt"
)

// Flags of the ISO BMFF fragment boxes (ISO/IEC 14496-12, 8.8.7 and 8.8.8).
const (
	tfhdBaseDataOffset           = 0x000001
	tfhdSampleDescription        = 0x000002
	tfhdDefaultDuration          = 0x000008
	tfhdDefaultSize              = 0x000010
	tfhdDefaultFlags             = 0x000020
	trunDataOffset               = 0x000001
	trunFirstSampleFlags         = 0x000004
	trunSampleDuration           = 0x000100
	trunSampleSize               = 0x000200
	trunSampleFlags              = 0x000400
	trunSampleCTO                = 0x000800
	sampleIsNonSync       uint32 = 0x00010000
)

// boxes walks the child boxes of b and calls fn with each one's type and
// payload (after its header).
func boxes(b []byte, fn func(typ string, payload []byte) error) error {
	for len(b) > 0 {
		if len(b) < 8 {
			return fmt.Errorf("%w: box header cut", ErrCorrupt)
		}
		n, hs := uint64(binary.BigEndian.Uint32(b)), uint64(8)
		if n == 1 {
			if len(b) < 16 {
				return fmt.Errorf("%w: box header cut", ErrCorrupt)
			}
			n, hs = binary.BigEndian.Uint64(b[8:]), 16
		}
		if n < hs || n > uint64(len(b)) {
			return fmt.Errorf("%w: box %q of %d bytes in %d", ErrCorrupt, b[4:8], n, len(b))
		}
		if err := fn(string(b[4:8]), b[hs:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// reader takes big-endian fields off a box payload, remembering overruns.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) u64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// parseMoof reads the samples of our track from a moof payload (the bytes
// after its header); moofOff is where the moof starts in the file. Our own
// parser rather than fmp4.Parts.Unmarshal: that one wants the whole mdat in
// memory, and reading an hour's pictures just to learn their offsets would
// double the I/O of an export.
func (t *Track) parseMoof(b []byte, moofOff int64) ([]Sample, error) {
	var out []Sample
	err := boxes(b, func(typ string, p []byte) error {
		if typ != "traf" {
			return nil
		}
		var (
			track                   uint32
			base                    = moofOff
			defDur, defSize, defFlg uint32
			dts                     int64
			haveTfdt                bool
		)
		return boxes(p, func(typ string, p []byte) error {
			r := &reader{b: p}
			vf := r.u32()
			version, flags := vf>>24, vf&0xffffff
			switch typ {
			case "tfhd":
				track = r.u32()
				if flags&tfhdBaseDataOffset != 0 {
					base = int64(r.u64())
				}
				if flags&tfhdSampleDescription != 0 {
					r.u32()
				}
				if flags&tfhdDefaultDuration != 0 {
					defDur = r.u32()
				}
				if flags&tfhdDefaultSize != 0 {
					defSize = r.u32()
				}
				if flags&tfhdDefaultFlags != 0 {
					defFlg = r.u32()
				}
			case "tfdt":
				if version == 1 {
					dts = int64(r.u64())
				} else {
					dts = int64(r.u32())
				}
				haveTfdt = true
			case "trun":
				if track != t.trackID {
					return nil
				}
				if !haveTfdt {
					return fmt.Errorf("%w: trun before tfdt", ErrCorrupt)
				}
				count := r.u32()
				if uint64(count)*4 > uint64(len(p)) {
					return fmt.Errorf("%w: trun of %d samples in %d bytes", ErrCorrupt, count, len(p))
				}
				off := base
				if flags&trunDataOffset != 0 {
					off += int64(int32(r.u32()))
				}
				first, haveFirst := uint32(0), flags&trunFirstSampleFlags != 0
				if haveFirst {
					first = r.u32()
				}
				for i := uint32(0); i < count; i++ {
					s := Sample{Duration: defDur, Size: defSize, Offset: off, DTS: dts}
					sf := defFlg
					if i == 0 && haveFirst {
						sf = first
					}
					if flags&trunSampleDuration != 0 {
						s.Duration = r.u32()
					}
					if flags&trunSampleSize != 0 {
						s.Size = r.u32()
					}
					if flags&trunSampleFlags != 0 {
						sf = r.u32()
					}
					if flags&trunSampleCTO != 0 {
						v := r.u32()
						if version == 0 {
							s.PTSOffset = int32(min(v, 1<<31-1))
						} else {
							s.PTSOffset = int32(v)
						}
					}
					s.Sync = sf&sampleIsNonSync == 0
					out = append(out, s)
					off += int64(s.Size)
					dts += int64(s.Duration)
				}
			}
			if r.bad {
				return fmt.Errorf("%w: %s box cut", ErrCorrupt, typ)
			}
			return nil
		})
	})
	return out, err
}
