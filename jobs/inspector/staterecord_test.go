package inspector

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// filled sets every field reachable from v, however deep, to a value other than its zero: a
// field added to the record and left out of its layout then fails the round trip below.
func filled(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(v.Elem(), name)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			filled(v.Field(i), name+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			filled(v.Index(i), name)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for _, k := range []string{"b", "a"} {
			e := reflect.New(v.Type().Elem()).Elem()
			filled(e, name+"["+k+"]")
			v.SetMapIndex(reflect.ValueOf(k), e)
		}
	case reflect.String:
		v.SetString(name + " 示范")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(-int64(len(name)))
	case reflect.Uint8:
		v.SetUint(uint64(len(name)))
	default:
		panic("filled: no value for " + v.Kind().String() + " at " + name)
	}
}

// fullRecord is a record with every field set.
func fullRecord(t *testing.T) stateRecord {
	t.Helper()
	var rec stateRecord
	filled(reflect.ValueOf(&rec).Elem(), "rec")
	if rec.Page.Links[0].Target == "" || !rec.Page.Wording[0].Leader.Short || rec.Page.Article.Level == 0 {
		t.Fatalf("not filled: %+v", rec.Page)
	}
	return rec
}

// Every field of a state's record comes back as it went in, in the record's layout and in the
// JSON that states were kept in before (still read).
func TestStateRecordsComeBackWhole(t *testing.T) {
	rec := fullRecord(t)
	for _, c := range []struct {
		layout string
		b      []byte
	}{{"binary", rec.encode()}, {"json", must(json.Marshal(rec))}} {
		var got stateRecord
		if err := decodeRecord(c.b, &got); err != nil {
			t.Fatalf("%s: %v", c.layout, err)
		}
		if !reflect.DeepEqual(got, rec) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(rec)
			t.Fatalf("%s: the record came back as\n%s\nwant\n%s", c.layout, g, w)
		}
	}

	// Each empty field of its own: what is nil stays nil, and a zero time zero.
	var none stateRecord
	var got stateRecord
	if err := decodeRecord(none.encode(), &got); err != nil || !reflect.DeepEqual(got, none) {
		t.Fatalf("an empty record came back as %+v (%v)", got, err)
	}
	empty := stateRecord{Page: &pageDigest{}}
	if err := decodeRecord(empty.encode(), &got); err != nil || !reflect.DeepEqual(got, empty) {
		t.Fatalf("an empty page came back as %+v (%v)", got.Page, err)
	}
}

// The same record gives the same bytes whatever the order of its maps (SavePageStates leaves a
// state whose bytes did not change unwritten), and a date keeps its zone's offset, as in JSON.
func TestStateRecordBytesAreStable(t *testing.T) {
	rec := fullRecord(t)
	first := rec.encode()
	for range 20 { // a map's order differs from one walk to the next
		if again := rec.encode(); !bytes.Equal(again, first) {
			t.Fatal("a record's bytes depend on its maps' order")
		}
	}
	shanghai := time.FixedZone("CST", 8*3600)
	rec.Page.Date = time.Date(2025, 2, 1, 0, 0, 0, 0, shanghai)
	var got stateRecord
	if err := decodeRecord(rec.encode(), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Page.Date.Equal(rec.Page.Date) || got.Page.Date.Format(time.RFC3339) != "2025-02-01T00:00:00+08:00" {
		t.Fatalf("the date came back as %s", got.Page.Date.Format(time.RFC3339))
	}
}

// A record cut short, with bytes after it, or of a layout not known, is refused (its URL is then
// asked for as a new one), never read as something it is not.
func TestStateRecordsCutOrUnknownAreRefused(t *testing.T) {
	b := fullRecord(t).encode()
	var rec stateRecord
	for _, bad := range [][]byte{nil, {}, {2}, b[:len(b)-1], b[:len(b)/2], append(bytes.Clone(b), 0)} {
		if err := decodeRecord(bad, &rec); err == nil {
			t.Fatalf("a record of %d bytes (of %d) was read", len(bad), len(b))
		}
	}
}

// FuzzDecodeRecord: a record from the database is read without a panic or a huge allocation,
// and one that is read comes back the same through its layout.
func FuzzDecodeRecord(f *testing.F) {
	var none stateRecord
	f.Add(none.encode())
	var rec stateRecord
	filled(reflect.ValueOf(&rec).Elem(), "rec")
	f.Add(rec.encode())
	f.Add(must(json.Marshal(rec)))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got stateRecord
		if decodeRecord(b, &got) != nil || len(b) == 0 || b[0] != recordV1 {
			return
		}
		var again stateRecord
		if err := decodeRecord(got.encode(), &again); err != nil {
			t.Fatalf("a record read could not be read again: %v", err)
		}
		if !bytes.Equal(again.encode(), got.encode()) {
			t.Fatal("a record read changed through its layout")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// BenchmarkDecodeStateRecord reads the record of a 60 KB article page (its links, dates, block
// keys, 一稿多发 signature): as a daily round reads 2,000 of a site's. Against its JSON, in the
// same run:
//
//	go test -run '^$' -bench BenchmarkDecodeStateRecord -benchmem ./jobs/inspector/
func BenchmarkDecodeStateRecord(b *testing.B) {
	info := analyze(b, govPage60KB(b), false)
	a := makeArticle(info, map[uint64]int{}, 0, []byte("figure key"))
	if a == nil {
		b.Fatal("no article made of the page")
	}
	info.article = a
	rec := stateRecord{Status: 200, Page: info.digest()}
	for _, c := range []struct {
		layout string
		b      []byte
	}{{"json", must(json.Marshal(rec))}, {"binary", rec.encode()}} {
		b.Run(c.layout, func(b *testing.B) {
			b.SetBytes(int64(len(c.b)))
			for b.Loop() {
				var got stateRecord
				if err := decodeRecord(c.b, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
