package inspector

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// An article's figures (its body's numbers, which 一稿多发 compares as sets) are kept in its
// page state, and a public page's numbers may be a phone or an ID number: they are kept hashed,
// under a key, so that no one reading the states learns them, nor finds them by hashing every
// 11-digit number. Fresh and carried articles carry them hashed alike, so they compare alike.

// defaultFigureKey keys the figures of an Inspector given no Config.FigureKey (tests, the
// inspect command, which keep no states).
var defaultFigureKey = []byte("zhaocuo inspector figures")

// hashFigures returns the figures hashed (HMAC-SHA256 under key, its first 8 bytes), sorted and
// distinct, as sameFigures reads them.
func hashFigures(key []byte, figures []string) []uint64 {
	if len(figures) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, key)
	out := make([]uint64, len(figures))
	var sum [sha256.Size]byte
	for i, f := range figures {
		mac.Reset()
		mac.Write([]byte(f))
		out[i] = binary.BigEndian.Uint64(mac.Sum(sum[:0]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// packFigures writes hashed figures as a digest keeps them: 8 bytes each (in JSON, base64: 11
// characters a figure, where a list of strings took 16 and the numbers in clear about 7).
func packFigures(h []uint64) []byte {
	out := make([]byte, 0, 8*len(h))
	for _, x := range h {
		out = binary.BigEndian.AppendUint64(out, x)
	}
	return out
}

func unpackFigures(b []byte) []uint64 {
	out := make([]uint64, 0, len(b)/8)
	for ; len(b) >= 8; b = b[8:] {
		out = append(out, binary.BigEndian.Uint64(b))
	}
	return out
}
