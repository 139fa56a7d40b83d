package inspector

// The state a round keeps of each URL for the next (incremental.go): a page's digest (what the
// checks read of it, never its text) or a link's result, and a fingerprint of it.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// stateRecord is a PageState's Record: a page's digest, or a link's result.
type stateRecord struct {
	Status     int         `json:"s,omitempty"`
	Err        string      `json:"e,omitempty"`
	Bad        []string    `json:"b,omitempty"`
	Attachment *attachment `json:"a,omitempty"`
	Page       *pageDigest `json:"p,omitempty"`
	Column     bool        `json:"c,omitempty"` // a column the round judged
}

// pageDigest is a page's analysis without its text: what every check reads of it.
type pageDigest struct {
	Title       string            `json:"title,omitempty"`
	Links       []pageLink        `json:"links,omitempty"`
	Items       []datedItem       `json:"items,omitempty"`
	Typos       []typoHit         `json:"typos,omitempty"`
	Wording     []wordingHit      `json:"wording,omitempty"`
	Personal    *personalScan     `json:"personal,omitempty"`
	Empty       bool              `json:"empty,omitempty"`
	EmptyList   bool              `json:"empty_list,omitempty"`
	Date        time.Time         `json:"date,omitzero"`
	Unjudged    string            `json:"unjudged,omitempty"`
	ListEntries int               `json:"list_entries,omitempty"`
	Forms       []string          `json:"forms,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
	Facts       textFacts         `json:"facts"`
	BlockKeys   []string          `json:"blocks,omitempty"` // hashes of the text blocks, for the site's template
	Article     *articleDigest    `json:"article,omitempty"`
}

// articleDigest is a page's 一稿多发 signature: its body's shingles and figures.
type articleDigest struct {
	Shingles []byte   `json:"sh"` // sorted, delta-encoded uvarints
	Figures  []string `json:"fig,omitempty"`
}

// textFacts are what the column checks read of a page's text.
type textFacts struct {
	Runes     int  `json:"runes,omitempty"`
	Paragraph bool `json:"para,omitempty"`
	ZeroCount bool `json:"zero,omitempty"`
}

// states is what this round keeps for the next: every URL checked, the pages with their
// digest. It runs after the findings, which fill each page's 一稿多发 signature.
func (r *round) states(now time.Time, cols []Column) []PageState {
	column := map[string]bool{}
	for _, c := range cols {
		column[c.URL] = true
	}
	var out []PageState
	done := map[*visit]bool{}
	for key, v := range r.visits {
		if done[v] || key != v.url.String() || v.res.Skipped != "" || v.kept.deferred {
			continue
		}
		done[v] = true
		rec := stateRecord{Status: v.res.Status, Err: v.res.Err, Bad: v.res.Bad, Column: column[key]}
		if a := r.docs.files[key]; a != nil {
			rec.Attachment = a
		}
		info := r.pages[key]
		if info != nil {
			rec.Page = info.digest()
		}
		s := PageState{URL: key, Page: info != nil, ETag: v.kept.etag, LastModified: v.kept.lastModified, FetchedAt: now, ChangedAt: now}
		s.Fingerprint = rec.fingerprint()
		p := r.since.prev[key]
		if p != nil {
			if v.kept.carried {
				s.FetchedAt = p.state.FetchedAt
			}
			if p.state.Fingerprint == s.Fingerprint {
				s.ChangedAt = p.state.ChangedAt
			}
		}
		s.Record, _ = json.Marshal(rec)
		out = append(out, s)
	}
	return out
}

// fingerprint hashes the page (or link result) as the checks see it, less the 一稿多发
// signature, which depends on the rest of the site.
func (rec stateRecord) fingerprint() string {
	if rec.Page != nil {
		d := *rec.Page
		d.Article = nil
		rec.Page = &d
	}
	b, _ := json.Marshal(rec)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// digest is the page's analysis without its text.
func (p *pageInfo) digest() *pageDigest {
	if p.carried != nil {
		return p.carried.digest
	}
	d := &pageDigest{Title: p.Title, Links: p.Links, Items: p.Items, Typos: p.Typos, Wording: p.Wording,
		Personal: p.Personal, Empty: p.Empty, EmptyList: p.EmptyList, Date: p.Date, Unjudged: p.Unjudged,
		ListEntries: p.ListEntries, Forms: p.Forms, Meta: p.Meta, Facts: p.textFacts(), BlockKeys: p.blockKeys()}
	if a := p.article; a != nil {
		d.Article = &articleDigest{Shingles: packShingles(a.shingles), Figures: a.figures}
	}
	return d
}

// info is the page as the checks read it, from its digest.
func (d *pageDigest) info(pageURL string) *pageInfo {
	return &pageInfo{URL: pageURL, Title: d.Title, Links: d.Links, Items: d.Items, Typos: d.Typos, Wording: d.Wording,
		Personal: d.Personal, Empty: d.Empty, EmptyList: d.EmptyList, Date: d.Date, Unjudged: d.Unjudged,
		ListEntries: d.ListEntries, Forms: d.Forms, Meta: d.Meta, carried: &carried{digest: d}}
}

// textFacts reads the page's text blocks, or its digest.
func (p *pageInfo) textFacts() textFacts {
	if p.carried != nil {
		return p.carried.digest.Facts
	}
	text := strings.Join(p.Blocks, "")
	f := textFacts{Runes: textRunes(text), ZeroCount: zeroCount.MatchString(text)}
	for _, b := range p.Blocks {
		if textRunes(b) >= paragraphRunes {
			f.Paragraph = true
			break
		}
	}
	return f
}

// blockKeys name the page's text blocks for telling the site's template: the same block on
// many pages.
func (p *pageInfo) blockKeys() []string {
	if p.carried != nil {
		return p.carried.digest.BlockKeys
	}
	out := make([]string, len(p.Blocks))
	for i, b := range p.Blocks {
		out[i] = blockKey(b)
	}
	return out
}

func blockKey(b string) string {
	h := fnv.New64a()
	h.Write([]byte(b))
	return strconv.FormatUint(h.Sum64(), 36)
}

// articleOf is a page's 一稿多发 article: made from its text, or from its digest.
func articleOf(p *pageInfo, df map[string]int, boiler int) *article {
	if p.carried != nil {
		d := p.carried.digest.Article
		if d == nil {
			return nil
		}
		a := &article{url: p.URL, title: p.Title, titleKey: normalizeText(p.Title), date: p.Date,
			shingles: unpackShingles(d.Shingles), figures: d.Figures}
		a.sign()
		return a
	}
	a := makeArticle(p, df, boiler)
	if a != nil {
		c := *a
		p.article = &c
	}
	return a
}

// sign computes the MinHash signature of the article's shingles.
func (a *article) sign() {
	for i := range a.sig {
		a.sig[i] = ^uint32(0)
	}
	for _, s := range a.shingles {
		for i := range a.sig {
			if v := mix32(s, uint32(i)); v < a.sig[i] {
				a.sig[i] = v
			}
		}
	}
}

func packShingles(s []uint32) []byte {
	out := make([]byte, 0, 3*len(s))
	var last uint32
	for _, x := range s {
		out = binary.AppendUvarint(out, uint64(x-last))
		last = x
	}
	return out
}

func unpackShingles(b []byte) []uint32 {
	var out []uint32
	var last uint32
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 {
			break
		}
		last += uint32(d)
		out = append(out, last)
		b = b[n:]
	}
	return out
}
