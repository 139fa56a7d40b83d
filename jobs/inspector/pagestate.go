package inspector

// The state a round keeps of each URL for the next (incremental.go): a page's digest (what the
// checks read of it, never its text) or a link's result, and a fingerprint of it.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strconv"
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

// articleDigest is a page's 一稿多发 signature: its body's shingles (in the page's sample,
// signature.go) and its figures, hashed (figures.go).
type articleDigest struct {
	Shingles []byte `json:"sh"` // sorted, delta-encoded uvarints
	Level    uint8  `json:"lv,omitempty"`
	Figures  []byte `json:"fh,omitempty"` // packFigures
	// ClearFigures are the figures as states kept them before they were hashed: read only, and
	// hashed as the round starts (hashClearFigures), so that a page carried over from such a
	// state still has its figures (without them sameFigures would let any two bodies alike in
	// words be copies: two monthly releases of one template whose numbers differ) and its state
	// is written again, hashed. Once every site has had a round since, no state holds them.
	ClearFigures []string `json:"fig,omitempty"`
}

// hashClearFigures hashes the figures of a state kept before they were hashed, and says whether
// it had any.
func (rec *stateRecord) hashClearFigures(key []byte) bool {
	if rec.Page == nil || rec.Page.Article == nil || rec.Page.Article.ClearFigures == nil {
		return false
	}
	a := rec.Page.Article
	a.Figures, a.ClearFigures = packFigures(hashFigures(key, a.ClearFigures)), nil
	return true
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
		// A record is encoded again unless it is the last round's as read: a carried visit's
		// record whose parts are still its state's (the round may judge it a column or no longer;
		// a state kept with its figures in clear must be written anew, hashed). A daily round
		// carries most of a site's records, and fingerprinting a thousand takes about 12 ms. The
		// same bytes have the same fingerprint, which then is not computed again.
		p := r.since.prev[key]
		if p != nil && p.asRead(v, rec) {
			s.Record, s.Fingerprint = p.state.Record, p.state.Fingerprint
		} else {
			s.Record = rec.encode()
			if p != nil && bytes.Equal(s.Record, p.state.Record) {
				s.Fingerprint = p.state.Fingerprint
			} else {
				s.Fingerprint = rec.fingerprint()
			}
		}
		if p != nil {
			if v.kept.carried {
				s.FetchedAt = p.state.FetchedAt
			}
			if p.state.Fingerprint == s.Fingerprint {
				s.ChangedAt = p.state.ChangedAt
			}
		}
		s.Unchanged = p != nil && s.sameAs(&p.state)
		out = append(out, s)
	}
	return out
}

// asRead says the visit was carried over and rec is the record as its state was read.
func (p *prevURL) asRead(v *visit, rec stateRecord) bool {
	was := &p.record
	return v.kept.carried && !p.rehashed && rec.Page == was.Page && rec.Column == was.Column &&
		rec.Status == was.Status && rec.Err == was.Err && slices.Equal(rec.Bad, was.Bad) && rec.Attachment == was.Attachment
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
		ListEntries: p.ListEntries, Forms: p.Forms, Meta: p.Meta, Facts: p.textFacts(), BlockKeys: digestKeys(p.blockKeys())}
	if a := p.article; a != nil {
		d.Article = &articleDigest{Shingles: packShingles(a.shingles), Level: a.level, Figures: packFigures(a.figures)}
	}
	return d
}

// info is the page as the checks read it, from its digest.
func (d *pageDigest) info(pageURL string) *pageInfo {
	return &pageInfo{URL: pageURL, Title: d.Title, Links: d.Links, Items: d.Items, Typos: d.Typos, Wording: d.Wording,
		Personal: d.Personal, Empty: d.Empty, EmptyList: d.EmptyList, Date: d.Date, Unjudged: d.Unjudged,
		ListEntries: d.ListEntries, Forms: d.Forms, Meta: d.Meta, carried: &carried{digest: d}}
}

// textFacts reads the page's text facts, or its digest's.
func (p *pageInfo) textFacts() textFacts {
	switch {
	case p.carried != nil:
		return p.carried.digest.Facts
	case p.text != nil:
		return p.text.facts
	}
	return textFacts{}
}

// blockKeys name the page's text blocks for telling the site's template: the same block on
// many pages.
func (p *pageInfo) blockKeys() []uint64 {
	switch {
	case p.carried != nil:
		out := make([]uint64, 0, len(p.carried.digest.BlockKeys))
		for _, k := range p.carried.digest.BlockKeys {
			if n, err := strconv.ParseUint(k, 36, 64); err == nil {
				out = append(out, n)
			}
		}
		return out
	case p.text != nil:
		return p.text.keys
	}
	return nil
}

// digestKeys are the block keys as a digest writes them.
func digestKeys(keys []uint64) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strconv.FormatUint(k, 36)
	}
	return out
}

func blockKey(b string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(b))
	return h.Sum64()
}

// articleOf is a page's 一稿多发 article: made from its text, or from its digest.
func articleOf(p *pageInfo, df map[uint64]int, boiler int, key []byte) *article {
	if p.carried != nil {
		d := p.carried.digest.Article
		if d == nil {
			return nil
		}
		a := &article{url: p.URL, title: p.Title, titleKey: normalizeText(p.Title), date: p.Date,
			shingles: unpackShingles(d.Shingles), level: d.Level, figures: unpackFigures(d.Figures)}
		a.sign()
		return a
	}
	a := makeArticle(p, df, boiler, key)
	if a != nil {
		c := *a
		p.article = &c
	}
	return a
}

// sign computes the MinHash signatures of the article's shingles, at its level and the next.
func (a *article) sign() {
	for up := range a.sig {
		sig := &a.sig[up]
		for i := range sig {
			sig[i] = ^uint32(0)
		}
		for _, s := range a.shingles {
			if up > 0 && !sampled(s, a.level+uint8(up)) {
				continue
			}
			for i := range sig {
				if v := mix32(s, uint32(i)); v < sig[i] {
					sig[i] = v
				}
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
