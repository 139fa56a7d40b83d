package circulardoc

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
)

//go:embed circular.html
var htmlSource string

var htmlTemplate = template.Must(template.New("circular").Parse(htmlSource))

// WriteHTML writes the circular as one self-contained HTML page: a sheet of A4 on the screen,
// the 公文 layout of GB/T 9704 in print (版心 156 × 225 mm: margins 37 mm top, 35 mm bottom,
// 28 mm left, 26 mm right; 方正小标宋 title, 仿宋 body, 黑体 and 楷体 headings, with the fonts
// commonly installed as fallbacks). It writes nothing when the template fails.
func WriteHTML(w io.Writer, d Doc) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, d); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
