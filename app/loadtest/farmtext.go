package loadtest

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// farmText writes the prose of the farm's pages: news and notices of a city's government in the
// style of its website, composed from clause templates whose slots take a place, an agency, a
// topic, a measure, an aim, a group of people, dates and figures. Each page draws its own few
// places, agencies and topics and its own share of the templates, measures and aims, so that
// two pages share little of their wording (the farm is no test of 一稿多发: see
// TestFarmPagesAreNotCopies), while every sentence is one a government site could print, so the
// 错敏字 checks find in it what they find in a clean page: almost nothing.
//
// The place names are counties and districts of Sichuan as the Ministry of Civil Affairs lists
// them (民政部《中华人民共和国行政区划代码》, 2024), less those with rare characters; the
// agencies are those of a city government after the 2018–2019 reform; the rest is common
// wording of government news, written for the farm.
type farmText struct {
	rng *rand.Rand
	b   *strings.Builder

	places, agencies, topics, measures, aims, groups []string
	templates                                        []string
}

// newFarmText picks the page's own places, agencies, topics and its share of the wording.
func newFarmText(rng *rand.Rand, b *strings.Builder) *farmText {
	t := &farmText{rng: rng, b: b}
	t.places = pick(rng, farmPlaces, 3)
	t.agencies = pick(rng, farmAgencies, 4)
	for i, a := range t.agencies {
		t.agencies[i] = farmLevels[rng.IntN(len(farmLevels))] + a
	}
	t.topics = pick(rng, farmTopics, 4)
	t.measures = pick(rng, farmMeasures, 14)
	t.aims = pick(rng, farmAims, 8)
	t.groups = pick(rng, farmGroups, 5)
	t.templates = pick(rng, farmTemplates, 16)
	return t
}

// pick returns n of the list's items, chosen at random, in a new slice.
func pick(rng *rand.Rand, list []string, n int) []string {
	n = min(n, len(list))
	out := make([]string, n)
	for i := range out {
		out[i] = list[rng.IntN(len(list))]
	}
	return out
}

func (t *farmText) any(list []string) string { return list[t.rng.IntN(len(list))] }

// title is a headline for the page.
func (t *farmText) title() string {
	var b strings.Builder
	t.fill(&b, farmTitles[t.rng.IntN(len(farmTitles))])
	return b.String()
}

// paragraph writes one paragraph of three to six sentences.
func (t *farmText) paragraph() {
	for n := 3 + t.rng.IntN(4); n > 0; n-- {
		t.fill(t.b, t.templates[t.rng.IntN(len(t.templates))])
	}
}

// fill writes a template with its slots filled: P a place, A an agency, T a topic, M a measure,
// G an aim, O a group of people, W a time in the year, D a date, C a count, F an amount, R a
// rate.
func (t *farmText) fill(b *strings.Builder, tmpl string) {
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c >= 0x80 || c < 'A' || c > 'Z' {
			b.WriteByte(c)
			continue
		}
		var num [24]byte
		switch c {
		case 'P':
			b.WriteString(t.any(t.places))
		case 'A':
			b.WriteString(t.any(t.agencies))
		case 'T':
			b.WriteString(t.any(t.topics))
		case 'M':
			b.WriteString(t.any(t.measures))
		case 'G':
			b.WriteString(t.any(t.aims))
		case 'O':
			b.WriteString(t.any(t.groups))
		case 'W':
			b.WriteString(t.any(farmWhen))
		case 'D':
			b.Write(strconv.AppendInt(num[:0], int64(1+t.rng.IntN(12)), 10))
			b.WriteString("月")
			b.Write(strconv.AppendInt(num[:0], int64(1+t.rng.IntN(28)), 10))
			b.WriteString("日")
		case 'C':
			b.Write(strconv.AppendInt(num[:0], int64(2+t.rng.IntN(t.anyScale())), 10))
		case 'F':
			b.Write(strconv.AppendFloat(num[:0], float64(10+t.rng.IntN(9990))/10, 'f', 1, 64))
		case 'R':
			b.Write(strconv.AppendFloat(num[:0], float64(5+t.rng.IntN(990))/10, 'f', 1, 64))
			b.WriteString("%")
		default:
			b.WriteByte(c)
		}
	}
}

// farmScales are the sizes of counts: a few, dozens, hundreds, thousands.
var farmScales = []int{10, 100, 1000, 10000}

func (t *farmText) anyScale() int { return farmScales[t.rng.IntN(len(farmScales))] }
