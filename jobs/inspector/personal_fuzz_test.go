package inspector

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"
)

// FuzzReadAttachment: whatever bytes an attachment holds, reading it returns within the time
// limit, with text or an error, and never panics out (go test -fuzz=FuzzReadAttachment).
func FuzzReadAttachment(f *testing.F) {
	id := madeUpID("510104", "19900307", 123)
	good := makePDF(true, "ID "+id)
	for _, seed := range [][]byte{
		good, good[:len(good)/2], makePDF(false, "a", "b"),
		makeDOCX("名单", [][]string{{"张三", id}}),
		makeXLSX([][]string{{"张三", id, "13912345678"}}),
		[]byte("%PDF-1.4\n1 0 obj [[[[[[ << /Length 99999 >> stream\nendstream"),
		[]byte("PK\x03\x04"), []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		done := make(chan struct{})
		go func() {
			readAttachment(ctx, data, func() {})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("readAttachment did not return on %q", data[:min(len(data), 200)])
		}
	})
}

// FuzzScanPersonal: the scan never panics, and what it keeps holds no run of seven digits or
// more: the examples are masked whatever the input.
func FuzzScanPersonal(f *testing.F) {
	for _, s := range []string{
		"身份证号：" + madeUpID("510104", "19900307", 1) + " 手机13912345678 +8615812345678",
		"卡号 6222 0212 3456 7890 123；139-1234-5678；510104********1230",
		"姓名\t邮箱\n张伟\tzw@example.com\n李娜\tln@example.com\n",
		"统一社会信用代码：91510100MA61R2XX3K 川府发〔2023〕12号",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := scanPersonal(text, personalNow)
		if s == nil {
			return
		}
		kept := s.summary() + " " + strings.Join(s.Samples, " ")
		run := 0
		for _, r := range kept {
			if unicode.IsDigit(r) {
				if run++; run >= 7 {
					t.Fatalf("a long number kept in clear: %q from %q", kept, text)
				}
			} else {
				run = 0
			}
		}
	})
}
