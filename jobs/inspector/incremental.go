package inspector

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A daily round is incremental: it starts from what the last round kept of every URL (a
// PageState: the validators the server sent, a fingerprint of the page, and what the checks
// found on it, never its text) and asks the site only for what may have changed:
//
//   - the homepage, always and whole (its footer marks are read from its text);
//   - the pages new to the round, and the URLs of the last round that were broken (fixed yet?);
//   - the list pages (a column, the homepage's blocks: where new information appears), with
//     If-None-Match / If-Modified-Since, so that an unchanged one costs a 304 and no reading;
//   - every URL whose link appears on, or went from, a list page that changed, or whose entry
//     there changed (a new headline or date): a new article, an edited one, a removed one
//     (which then answers 404 and is the dead link of each unchanged page still linking to it).
//
// Everything else is carried over from its PageState: an article's typos, wordings, personal
// data, links, metadata and 一稿多发 signature; a link's status. The findings are then judged
// over the whole site as in a full round. What an incremental round cannot see is a page edited
// in place whose entry in every list stayed the same, or an outside link that died since: the
// weekly full round sees those.

// PageState is what a round keeps of one URL for the next round. Record is opaque to the
// caller (the store keeps it as it is).
type PageState struct {
	URL          string
	ETag         string
	LastModified string
	Page         bool   // read as a page of the site, not only checked as a link
	Fingerprint  string // of the page's content, links and findings as the checks see them; of a link's result
	Record       []byte
	FetchedAt    time.Time // when the URL was last asked for
	ChangedAt    time.Time // when its fingerprint (or status) last changed
}

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

// keptVisit is a visit's part in an incremental round.
type keptVisit struct {
	deferred     bool // not asked for yet: carried over unless something says to ask
	ask          bool // asked for whatever its state
	notModified  bool // answered 304
	carried      bool // not asked for: its result is the last round's
	etag         string
	lastModified string
}

// carried is a page known from its state rather than its text.
type carried struct {
	digest *pageDigest
}

// sinceLast is an incremental round's view of the last round.
type sinceLast struct {
	on       bool
	prev     map[string]*prevURL
	dirty    map[string]bool // URLs to ask for: their links on a list page changed
	deferred []*visit
}

type prevURL struct {
	state  PageState
	record stateRecord
}

// hub: a page where new information appears (a column, a list), asked for in every round.
// An article's 相关阅读 is one dated link, not a list.
func (p *prevURL) hub() bool {
	d := p.record.Page
	return d != nil && (p.record.Column || len(d.Items) >= minListEntries || d.ListEntries >= minListEntries ||
		d.Empty || d.EmptyList || d.Unjudged != "")
}

func (p *prevURL) broken() bool {
	return p.record.Err != "" || p.record.Status >= 400 || p.record.Status == 0 && p.record.Page == nil
}

// InspectIncremental is Inspect as a daily round: prev is what the last round kept
// (Result.States). With no prev it is a full round.
func (in *Inspector) InspectIncremental(ctx context.Context, site Site, prev []PageState) (*Result, error) {
	return in.inspect(ctx, site, prev, true)
}

func (r *round) startIncremental(prev []PageState) {
	if len(prev) == 0 {
		return
	}
	r.since = sinceLast{on: true, prev: make(map[string]*prevURL, len(prev)), dirty: map[string]bool{}}
	for _, s := range prev {
		p := &prevURL{state: s}
		if json.Unmarshal(s.Record, &p.record) != nil {
			continue // unreadable: the URL is asked for as a new one
		}
		r.since.prev[s.URL] = p
	}
}

func (r *round) isStart(u *url.URL) bool {
	k := u.String()
	for _, s := range r.starts {
		if s.String() == k {
			return true
		}
	}
	return false
}

// deferVisit holds back a visit the last round's state can answer for.
func (r *round) deferVisit(v *visit) bool {
	if !r.since.on || v.kept.ask {
		return false
	}
	key := v.url.String()
	p := r.since.prev[key]
	if p == nil || p.hub() || p.broken() || r.isStart(v.url) || v.crawl != (p.record.Page != nil) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.since.dirty[key] {
		return false
	}
	v.kept.deferred = true
	r.since.deferred = append(r.since.deferred, v)
	return true
}

// settle ends an incremental round: the held-back visits that a changed page now points to
// are asked for, until no more are; the rest are carried over, with their links.
func (r *round) settle() {
	for r.since.on && r.ctx.Err() == nil {
		r.mu.Lock()
		var ask, keep []*visit
		for _, v := range r.since.deferred {
			if r.since.dirty[v.url.String()] {
				ask = append(ask, v)
			} else {
				keep = append(keep, v)
			}
		}
		if len(ask) > 0 {
			r.since.deferred = keep
			for _, v := range ask {
				v.kept = keptVisit{ask: true}
				r.enqueue(v)
			}
			r.mu.Unlock()
			r.pending.Wait()
			continue
		}
		r.since.deferred = nil
		r.mu.Unlock()
		if len(keep) == 0 {
			return
		}
		for _, v := range keep {
			r.carry(v)
		}
		r.pending.Wait()
	}
}

// carry takes a visit's result from the last round's state.
func (r *round) carry(v *visit) {
	p := r.since.prev[v.url.String()]
	v.kept = keptVisit{carried: true, etag: p.state.ETag, lastModified: p.state.LastModified}
	v.res = fetchResult{Status: p.record.Status, Err: p.record.Err, Bad: p.record.Bad}
	if a := p.record.Attachment; a != nil {
		r.mu.Lock()
		if r.docs.files == nil {
			r.docs.files = map[string]*attachment{}
		}
		r.docs.files[v.url.String()] = a
		r.mu.Unlock()
	}
	if v.crawl {
		r.addPage(v, p.record.Page.info(v.url.String()))
	}
}

// pageRequest asks for a page, with the validators of the last round when the page has them
// (never the homepage: its marks are read from its text).
func (r *round) pageRequest(v *visit) (*http.Response, func(), error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.in.cfg.Timeout)
	req, err := newRequest(ctx, http.MethodGet, v.url.String(), r.in.cfg.UserAgent)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if p := r.since.prev[v.url.String()]; p != nil && p.record.Page != nil && v.url.String() != r.home.String() {
		if p.state.ETag != "" {
			req.Header.Set("If-None-Match", p.state.ETag)
		}
		if p.state.LastModified != "" {
			req.Header.Set("If-Modified-Since", p.state.LastModified)
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	v.kept.etag, v.kept.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return resp, func() { resp.Body.Close(); cancel() }, nil
}

// notModified: the page answered 304 to the last round's validators.
func (r *round) notModified(v *visit, resp *http.Response) bool {
	if resp.StatusCode != http.StatusNotModified {
		return false
	}
	p := r.since.prev[v.url.String()]
	if p == nil || p.record.Page == nil {
		v.res = fetchResult{Err: "HTTP 304 without a request for it"}
		return true
	}
	v.res = fetchResult{Status: p.record.Status}
	v.kept.notModified = true
	if v.kept.etag == "" {
		v.kept.etag = p.state.ETag
	}
	if v.kept.lastModified == "" {
		v.kept.lastModified = p.state.LastModified
	}
	return true
}

func (r *round) carriedPage(v *visit) *pageInfo {
	return r.since.prev[v.url.String()].record.Page.info(v.url.String())
}

// noteChange marks the links a changed page added, dropped or re-titled, for asking.
func (r *round) noteChange(v *visit, info *pageInfo) {
	if !r.since.on || v.kept.notModified || info.carried != nil {
		return
	}
	now := entries(info.Links, info.Items)
	var was map[string]string
	if p := r.since.prev[v.url.String()]; p != nil && p.record.Page != nil {
		was = entries(p.record.Page.Links, p.record.Page.Items)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, e := range now {
		if was[t] != e {
			r.since.dirty[t] = true
		}
	}
	for t := range was {
		if _, ok := now[t]; !ok {
			r.since.dirty[t] = true
		}
	}
}

// entries is each link target of a page with what the page says of it (texts and dates).
func entries(links []pageLink, items []datedItem) map[string]string {
	out := map[string]string{}
	for _, l := range links {
		out[l.Target] += l.Text + "\x00" + l.Hidden + "\x00"
	}
	for _, it := range items {
		out[it.Target] += it.Date.Format(time.DateOnly) + "\x00"
	}
	return out
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
