package accountsheet

import (
	"bytes"
	"testing"
)

// A sheet is outside input: the reader must never panic on one, whatever its bytes. Run with
// go test -fuzz=FuzzParseAccountCSV ./jobs/accountsheet/ and so on.

func FuzzParseAccountCSV(f *testing.F) {
	f.Add([]byte(ledgerCSV))
	f.Add([]byte("账号名称,平台\n\"unterminated,x\n"))
	f.Add([]byte{0xef, 0xbb, 0xbf, 0xff, 0xfe})
	f.Fuzz(func(t *testing.T, data []byte) {
		accs, err := Parse(bytes.NewReader(data), "x.csv")
		if err == nil {
			for _, a := range accs {
				if a.Name == "" || a.Platform == "" {
					t.Errorf("account without name or platform accepted: %+v", a)
				}
			}
		}
	})
}

func FuzzParseAccountXLSX(f *testing.F) {
	f.Add(ledgerXLSX(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		accs, err := Parse(bytes.NewReader(data), "x.xlsx")
		if err == nil {
			for _, a := range accs {
				if a.Name == "" || a.Platform == "" {
					t.Errorf("account without name or platform accepted: %+v", a)
				}
			}
		}
	})
}

// However the XML is cut into writes, the count of elements is the same.
func FuzzElementCounter(f *testing.F) {
	f.Add(`<sst><si><t>a</t></si><x:si/><si>`, 3)
	f.Add(`<!-- <si> --><sis></si>`, 1)
	f.Fuzz(func(t *testing.T, xml string, cut int) {
		whole := &elementCounter{local: "si"}
		whole.Write([]byte(xml))
		parts := &elementCounter{local: "si"}
		if cut = max(cut, 1); cut < len(xml) {
			for i := 0; i < len(xml); i += cut {
				parts.Write([]byte(xml[i:min(i+cut, len(xml))]))
			}
		} else {
			parts.Write([]byte(xml))
		}
		if whole.n != parts.n {
			t.Fatalf("%q: %d whole, %d in writes of %d", xml, whole.n, parts.n, cut)
		}
	})
}
