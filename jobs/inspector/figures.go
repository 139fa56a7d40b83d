package inspector

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
)

// An article's figures (its body's numbers, which 一稿多发 compares as sets) are kept in its
// page state, and a public page's numbers may be a phone or an ID number: they are kept hashed,
// under a key, so that no one reading the states learns them, nor finds them by hashing every
// 11-digit number. Fresh and carried articles carry them hashed alike, so they compare alike.

// defaultFigureKey keys the figures of an Inspector given no Config.FigureKey (tests, the
// inspect command, which keep no states).
var defaultFigureKey = []byte("zhaocuo inspector figures")

// hashFigures returns the figures hashed (HMAC-SHA256 under key, its first 8 bytes in base 36),
// sorted and distinct, as sameFigures reads them.
func hashFigures(key []byte, figures []string) []string {
	if len(figures) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, key)
	out := make([]string, len(figures))
	var sum [sha256.Size]byte
	for i, f := range figures {
		mac.Reset()
		mac.Write([]byte(f))
		out[i] = strconv.FormatUint(binary.BigEndian.Uint64(mac.Sum(sum[:0])), 36)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
