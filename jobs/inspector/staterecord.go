package inspector

// A state's record as bytes (PageState.Record). A daily round reads every record of a site and
// writes few, so the record is laid out for reading: a version byte, then each field in the order
// of its struct as uvarints, length-prefixed strings and bytes, and flag bytes, with no names and
// nothing for an empty field but its zero. Reading JSON took a tenth of a daily round's CPU, some
// 27 µs for a farm page's record of 4.5 KB (most of it the base64 of its 一稿多发 signature);
// BenchmarkDecodeStateRecord reads a record 7–10 times faster this way, from two thirds of the
// bytes, with 8 allocations rather than 401. Records kept before were JSON, and are still read
// (their first byte is '{'); a round writes a record anew only when it changed, so they turn into
// this as their pages change, and all of them at the weekly full round. The fingerprint stays the
// JSON's (stateRecord.fingerprint): a page does not look changed because its record was written
// anew.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"time"
)

// recordV1 is the first byte of a record in this layout.
const recordV1 = 1

var errRecord = errors.New("inspector: unreadable page state record")

// encode lays the record out. The same record gives the same bytes (maps in key order), which
// SavePageStates relies on to leave a state unwritten.
func (rec stateRecord) encode() []byte {
	w := recordWriter{b: make([]byte, 0, 1024)}
	w.b = append(w.b, recordV1)
	w.uint(uint64(rec.Status))
	w.str(rec.Err)
	w.strs(rec.Bad)
	w.flags(rec.Column, rec.Attachment != nil, rec.Page != nil)
	if a := rec.Attachment; a != nil {
		w.personal(a.Personal)
		w.str(a.Unreadable)
		w.str(a.Unchecked)
	}
	if d := rec.Page; d != nil {
		w.str(d.Title)
		w.uint(uint64(len(d.Links)))
		for _, l := range d.Links {
			w.str(l.Target)
			w.str(l.Text)
			w.str(l.Hidden)
			w.flags(l.Script, l.Dormant)
		}
		w.uint(uint64(len(d.Items)))
		for _, it := range d.Items {
			w.str(it.Target)
			w.time(it.Date)
		}
		w.uint(uint64(len(d.Typos)))
		for _, t := range d.Typos {
			w.str(t.Wrong)
			w.str(t.Right)
			w.str(t.Snippet)
			w.flags(t.Serious)
		}
		w.uint(uint64(len(d.Wording)))
		for _, h := range d.Wording {
			w.str(h.Wrong)
			w.str(h.Right)
			w.str(h.Sentence)
			w.flags(h.Serious, h.Leader != nil)
			if l := h.Leader; l != nil {
				w.str(l.Name)
				w.str(l.Office)
				w.strs(l.Offices)
				w.uint(uint64(len(l.Years)))
				for _, y := range l.Years {
					w.int(int64(y))
				}
				w.flags(l.Then, l.Short)
			}
		}
		w.personal(d.Personal)
		w.flags(d.Empty, d.EmptyList, d.Facts.Paragraph, d.Facts.ZeroCount, d.Article != nil)
		w.time(d.Date)
		w.str(d.Unjudged)
		w.uint(uint64(d.ListEntries))
		w.strs(d.Forms)
		w.strMap(d.Meta)
		w.uint(uint64(d.Facts.Runes))
		w.strs(d.BlockKeys)
		if a := d.Article; a != nil {
			w.bytes(a.Shingles)
			w.uint(uint64(a.Level))
			w.bytes(a.Figures)
			w.strs(a.ClearFigures)
		}
	}
	return w.b
}

// decodeRecord reads a record of either layout into rec. Strings share one copy of b, and byte
// fields alias b, which the caller keeps (PageState.Record) and must not change.
func decodeRecord(b []byte, rec *stateRecord) error {
	*rec = stateRecord{}
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, rec)
	}
	if len(b) == 0 || b[0] != recordV1 {
		return errRecord
	}
	r := recordReader{b: b, s: string(b), at: 1}
	rec.Status = int(r.uint())
	rec.Err = r.str()
	rec.Bad = r.strs()
	f := r.flags()
	rec.Column = f&1 != 0
	if f&2 != 0 {
		rec.Attachment = &attachment{Personal: r.personal(), Unreadable: r.str(), Unchecked: r.str()}
	}
	if f&4 != 0 {
		d := &pageDigest{Title: r.str()}
		if n := r.count(); n > 0 {
			d.Links = make([]pageLink, n)
			for i := range d.Links {
				l := &d.Links[i]
				l.Target, l.Text, l.Hidden = r.str(), r.str(), r.str()
				f := r.flags()
				l.Script, l.Dormant = f&1 != 0, f&2 != 0
			}
		}
		if n := r.count(); n > 0 {
			d.Items = make([]datedItem, n)
			for i := range d.Items {
				d.Items[i] = datedItem{Target: r.str(), Date: r.time()}
			}
		}
		if n := r.count(); n > 0 {
			d.Typos = make([]typoHit, n)
			for i := range d.Typos {
				t := &d.Typos[i]
				t.Wrong, t.Right, t.Snippet = r.str(), r.str(), r.str()
				t.Serious = r.flags()&1 != 0
			}
		}
		if n := r.count(); n > 0 {
			d.Wording = make([]wordingHit, n)
			for i := range d.Wording {
				h := &d.Wording[i]
				h.Wrong, h.Right, h.Sentence = r.str(), r.str(), r.str()
				f := r.flags()
				h.Serious = f&1 != 0
				if f&2 != 0 {
					l := &leaderHit{Name: r.str(), Office: r.str(), Offices: r.strs()}
					if n := r.count(); n > 0 {
						l.Years = make([]int, n)
						for j := range l.Years {
							l.Years[j] = int(r.int())
						}
					}
					f := r.flags()
					l.Then, l.Short = f&1 != 0, f&2 != 0
					h.Leader = l
				}
			}
		}
		d.Personal = r.personal()
		f := r.flags()
		d.Empty, d.EmptyList, d.Facts.Paragraph, d.Facts.ZeroCount = f&1 != 0, f&2 != 0, f&4 != 0, f&8 != 0
		d.Date = r.time()
		d.Unjudged = r.str()
		d.ListEntries = int(r.uint())
		d.Forms = r.strs()
		d.Meta = r.strMap()
		d.Facts.Runes = int(r.uint())
		d.BlockKeys = r.strs()
		if f&16 != 0 {
			d.Article = &articleDigest{Shingles: r.bytes(), Level: uint8(r.uint()), Figures: r.bytes(), ClearFigures: r.strs()}
		}
		rec.Page = d
	}
	if r.err == nil && r.at != len(b) {
		r.err = errRecord
	}
	return r.err
}

type recordWriter struct{ b []byte }

func (w *recordWriter) uint(n uint64) { w.b = binary.AppendUvarint(w.b, n) }
func (w *recordWriter) int(n int64)   { w.b = binary.AppendVarint(w.b, n) }

func (w *recordWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *recordWriter) bytes(p []byte) {
	w.uint(uint64(len(p)))
	w.b = append(w.b, p...)
}

func (w *recordWriter) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

// flags packs up to 8 booleans in a byte, the first in its lowest bit.
func (w *recordWriter) flags(bs ...bool) {
	var f byte
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	w.b = append(w.b, f)
}

// time writes the zero time as one byte, any other with its zone's offset (as JSON keeps it).
func (w *recordWriter) time(t time.Time) {
	if t.IsZero() {
		w.b = append(w.b, 0)
		return
	}
	p, err := t.MarshalBinary()
	if err != nil { // an offset MarshalBinary refuses (-1 minute, or beyond ±22 days): no page's date
		p, _ = t.UTC().MarshalBinary()
	}
	w.bytes(p)
}

func (w *recordWriter) strMap(m map[string]string) {
	w.uint(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.str(k)
		w.str(m[k])
	}
}

func (w *recordWriter) personal(p *personalScan) {
	if p == nil {
		w.flags(false)
		return
	}
	w.flags(true)
	w.uint(uint64(len(p.Counts)))
	for _, k := range slices.Sorted(maps.Keys(p.Counts)) {
		w.str(k)
		w.int(int64(p.Counts[k]))
	}
	w.strs(p.Samples)
}

// recordReader reads what recordWriter wrote. The first fault sticks: every read after it
// gives zeros, and decodeRecord returns it.
type recordReader struct {
	b   []byte
	s   string // b, once, for the strings to share
	at  int
	err error
}

func (r *recordReader) fail() { r.err, r.at = errRecord, len(r.b) }

func (r *recordReader) uint() uint64 {
	n, k := binary.Uvarint(r.b[r.at:])
	if k <= 0 {
		r.fail()
		return 0
	}
	r.at += k
	return n
}

func (r *recordReader) int() int64 {
	n, k := binary.Varint(r.b[r.at:])
	if k <= 0 {
		r.fail()
		return 0
	}
	r.at += k
	return n
}

// count reads the length of a list: no more than the bytes left, each element taking one at
// least, so a corrupt length cannot make a huge allocation.
func (r *recordReader) count() int {
	n := r.uint()
	if n > uint64(len(r.b)-r.at) {
		r.fail()
		return 0
	}
	return int(n)
}

// span reads a length and returns where its bytes start and end.
func (r *recordReader) span() (int, int) {
	n := r.count()
	start := r.at
	r.at += n
	return start, r.at
}

func (r *recordReader) str() string {
	i, j := r.span()
	return r.s[i:j]
}

func (r *recordReader) bytes() []byte {
	i, j := r.span()
	if i == j {
		return nil
	}
	return r.b[i:j:j]
}

func (r *recordReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *recordReader) flags() byte {
	if r.at >= len(r.b) {
		r.fail()
		return 0
	}
	r.at++
	return r.b[r.at-1]
}

func (r *recordReader) time() time.Time {
	i, j := r.span()
	if i == j {
		return time.Time{}
	}
	var t time.Time
	if t.UnmarshalBinary(r.b[i:j]) != nil {
		r.fail()
	}
	return t
}

func (r *recordReader) strMap() map[string]string {
	n := r.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

func (r *recordReader) personal() *personalScan {
	if r.flags() == 0 {
		return nil
	}
	p := &personalScan{}
	if n := r.count(); n > 0 {
		p.Counts = make(map[string]int, n)
		for range n {
			k := r.str()
			p.Counts[k] = int(r.int())
		}
	}
	p.Samples = r.strs()
	return p
}
